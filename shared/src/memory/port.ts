import type { LlmCallContext } from "../llm/port.ts";

/** What a memory says about: how the user wants things, who they are, or anything else. */
export type MemoryKind = "preference" | "profile" | "fact";

/** One remembered fact. */
export interface MemoryRecord {
  readonly id: string;
  /** The agent (function) that learned it. */
  readonly agent: string;
  /** Whose it is; null when it holds for every user. */
  readonly userId: string | null;
  readonly content: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly lastUsedAt: Date | null;
}

/** A memory found by similarity; `score` is the cosine similarity to the query (1 = same direction). */
export interface MemoryMatch extends MemoryRecord {
  readonly score: number;
}

export interface MemoryFilter {
  /** Only this agent's memories; every agent's when omitted. */
  readonly agent?: string;
  /** Only this user's memories; `null`: only those of no user; every user's when omitted. */
  readonly userId?: string | null;
  /** Only memories written or used at or after this time. */
  readonly since?: Date;
  /** Only memories whose `metadata.kind` is one of these. */
  readonly kinds?: readonly MemoryKind[];
}

export interface MemorySearch extends MemoryFilter {
  /** At most this many, best first (default 5, at most 100). */
  readonly limit?: number;
  /** Leave out matches whose score is below this (the store's relevance threshold by default). */
  readonly minScore?: number;
  /** Record the matches as used now (`last_used_at`); off by default. */
  readonly touch?: boolean;
  readonly signal?: AbortSignal;
  /**
   * Who the search is for, stored with the query embedding's usage when a configured
   * embedding model makes it (capability `memory-search` unless given; no agent unless given).
   */
  readonly context?: Partial<LlmCallContext>;
  /** The query's vector when the caller has it already (recall embeds once for two searches). */
  readonly embedding?: readonly number[];
}

export interface NewMemory {
  readonly agent: string;
  readonly userId?: string | null;
  readonly content: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly signal?: AbortSignal;
  /**
   * Who it is stored for, with the embedding's usage when a configured embedding model
   * makes it (by default the agent, capability `memory-storage` and the user).
   */
  readonly context?: Partial<LlmCallContext>;
}

/** `inserted` a new memory, or `updated` a near-identical one already there. */
export interface Remembered {
  readonly action: "inserted" | "updated";
  readonly memory: MemoryRecord;
  /** The content it replaced, when updated. */
  readonly previous?: string;
}

/** A fact distilled from a conversation, ready to be remembered. */
export interface ExtractedFact {
  readonly content: string;
  readonly kind: MemoryKind;
}

export interface ConversationMessage {
  readonly role: "user" | "assistant";
  readonly content: string;
}

/** Who a memory operation is for, as an agent sees it. */
export interface RecallOptions {
  readonly userId?: string | null;
  /** Similar memories to return (default 5). */
  readonly limit?: number;
  readonly minScore?: number;
  /** Also include the user's standing preferences and profile facts, however similar (default true). */
  readonly standing?: boolean;
  /** The task it is for: stored with the query embedding's usage. */
  readonly taskId?: string;
  /** Stored with the query embedding's usage and its `llm.call` event. */
  readonly traceId?: string;
  /**
   * The task is private (its payload says `"private": true`): the query is embedded only by
   * the local embedder; with a configured embedding model recall fails (`permission`).
   */
  readonly private?: boolean;
  readonly signal?: AbortSignal;
}

export interface LearnOptions {
  readonly userId?: string | null;
  /** Stored with every fact, e.g. `{ taskId }`. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Stored with the usage of the extraction and of the facts' embeddings. */
  readonly taskId?: string;
  /** Stored with the usage records and their `llm.call` events. */
  readonly traceId?: string;
  /**
   * The task is private: the LLM distils facts only on the local tier (else the offline
   * rules do) and facts are embedded only by the local embedder (else nothing is stored).
   */
  readonly private?: boolean;
  readonly signal?: AbortSignal;
}

export interface Learned {
  readonly facts: readonly ExtractedFact[];
  readonly remembered: readonly Remembered[];
  /** `llm` when the LLM distilled the facts, `rules` when the offline rules did. */
  readonly extractedBy: "llm" | "rules";
}

/**
 * `ctx.memory`: one agent's long-term memory. Everything it stores is under the agent's
 * name; searches see only the agent's own memories unless `agent` says otherwise.
 * When memory is switched off for the agent (MEMORY_DISABLED_AGENTS), `enabled` is false,
 * recall finds nothing and learn/remember store nothing.
 */
export interface AgentMemory {
  readonly agent: string;
  readonly enabled: boolean;
  /** The embedder's model id, and whether it is the local deterministic one. */
  readonly embedder: { readonly modelId: string; readonly local: boolean };
  /** The memories relevant to `query` for this user, most relevant first, marked as used. */
  recall(query: string, options?: RecallOptions): Promise<MemoryMatch[]>;
  /** Distils the conversation into standalone facts and remembers each (de-duplicated). */
  learn(conversation: readonly ConversationMessage[], options?: LearnOptions): Promise<Learned>;
  remember(content: string, options?: Omit<NewMemory, "agent" | "content">): Promise<Remembered | undefined>;
  search(query: string, options?: MemorySearch): Promise<MemoryMatch[]>;
  forget(id: string): Promise<boolean>;
}
