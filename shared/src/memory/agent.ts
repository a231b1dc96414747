import { errorMessage } from "../errors.ts";
import type { Llm } from "../llm/port.ts";
import type { Logger } from "../ports/logger.ts";
import { callContext } from "./call-context.ts";
import { extractFactsWithLlm } from "./extract.ts";
import type { AgentMemory, ExtractedFact, Learned, MemoryMatch, Remembered } from "./port.ts";
import { extractByRules } from "./rules.ts";
import type { MemoryStore } from "./store.ts";

export interface AgentMemorySettings {
  readonly agent: string;
  readonly enabled: boolean;
  readonly store: MemoryStore;
  /** Distils conversations into facts (its calls recorded as capability `memory-extraction`). */
  readonly llm?: Llm;
  readonly logger?: Logger;
}

// Preferences and profile facts hold for every question, so recall adds a few of them
// even when they are not similar to it ("answer concisely" matters for any question).
const standingKinds = ["preference", "profile"] as const;
const standingLimit = 3;

/** One agent's view of the store: `ctx.memory`. */
export function createAgentMemory(settings: AgentMemorySettings): AgentMemory {
  const { agent, enabled, store } = settings;
  const embedder = { modelId: store.embedder.modelId, local: store.embedder.local };

  const extract = async (
    conversation: Parameters<AgentMemory["learn"]>[0],
    options: Parameters<AgentMemory["learn"]>[1] = {},
  ): Promise<{ facts: ExtractedFact[]; extractedBy: Learned["extractedBy"] }> => {
    const llm = settings.llm;
    if (!llm || llm.offline) return { facts: extractByRules(conversation), extractedBy: "rules" };
    try {
      const facts = await extractFactsWithLlm({ llm }, conversation, {
        context: callContext(agent, "memory-extraction", options),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return { facts, extractedBy: "llm" };
    } catch (error) {
      if (options.signal?.aborted) throw error;
      settings.logger?.warn("the LLM could not extract memories; using the offline rules instead", {
        agent,
        error: errorMessage(error),
      });
      return { facts: extractByRules(conversation), extractedBy: "rules" };
    }
  };

  return {
    agent,
    enabled,
    embedder,

    async recall(query, options = {}) {
      if (!enabled || query.trim() === "") return [];
      const userId = options.userId ?? null;
      const signal = options.signal ? { signal: options.signal } : {};
      // One query embedding for both searches, recorded as the agent's memory-recall.
      const embedding = await store.embedder.embed(query, {
        context: callContext(agent, "memory-recall", options),
        ...signal,
      });
      const similar = await store.search(query, {
        agent,
        userId,
        embedding,
        limit: options.limit ?? 5,
        touch: true,
        ...(options.minScore === undefined ? {} : { minScore: options.minScore }),
        ...signal,
      });
      if (options.standing === false || userId === null) return similar;
      const standing = await store.search(query, {
        agent,
        userId,
        embedding,
        kinds: standingKinds,
        minScore: -1,
        limit: standingLimit,
        touch: true,
        ...signal,
      });
      const seen = new Set(similar.map((memory) => memory.id));
      return [...similar, ...standing.filter((memory: MemoryMatch) => !seen.has(memory.id))];
    },

    async learn(conversation, options = {}) {
      if (!enabled) return { facts: [], remembered: [], extractedBy: "rules" };
      const { facts, extractedBy } = await extract(conversation, options);
      const remembered: Remembered[] = [];
      for (const fact of facts) {
        remembered.push(
          await store.remember({
            agent,
            userId: options.userId ?? null,
            content: fact.content,
            metadata: { ...options.metadata, kind: fact.kind, extractedBy },
            context: callContext(agent, "memory-storage", options),
            ...(options.signal ? { signal: options.signal } : {}),
          }),
        );
      }
      return { facts, remembered, extractedBy };
    },

    async remember(content, options = {}) {
      if (!enabled) return undefined;
      return store.remember({ ...options, agent, content });
    },

    search: (query, options = {}) =>
      enabled
        ? store.search(query, {
            agent,
            ...options,
            context: { agentId: agent, capability: "memory-search", ...options.context },
          })
        : Promise.resolve([]),
    forget: (id) => store.forget(id),
  };
}
