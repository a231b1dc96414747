import type { MemoryConfig } from "../config/memory.ts";
import { createEmbedder } from "../embeddings/create.ts";
import type { Embedder } from "../embeddings/port.ts";
import type { Llm } from "../llm/port.ts";
import type { Clock } from "../ports/clock.ts";
import type { Db } from "../ports/db.ts";
import type { Logger } from "../ports/logger.ts";
import { createAgentMemory } from "./agent.ts";
import type { AgentMemory } from "./port.ts";
import { memoryColumnDimensions } from "./schema.ts";
import { createMemoryStore, type MemoryStore } from "./store.ts";

export interface MemorySettings {
  readonly db: Db;
  /** The function's memory variables (`memoryConfig` in shared/src/config/memory.ts). */
  readonly config: MemoryConfig;
  /**
   * Defaults to the configured embedder (`createEmbedder`, its calls recorded on `db`):
   * the local one when EMBEDDING_MODEL is unset.
   */
  readonly embedder?: Embedder;
  /** Distils conversations into facts; the offline rules when absent or offline. */
  readonly llm?: Llm;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly fetch?: typeof fetch;
  /** Relevance threshold of searches (cosine similarity); `defaultThresholds` otherwise. */
  readonly minScore?: number;
  /** Similarity above which a new memory updates an existing one. */
  readonly duplicateScore?: number;
}

/** Long-term memory for a host: the store, and each agent's `ctx.memory`. */
export interface MemoryService {
  readonly store: MemoryStore;
  /** Checks the memories table against EMBEDDING_DIMENSIONS; call it at start to fail early. */
  ready(): Promise<void>;
  /** Whether MEMORY_DISABLED_AGENTS leaves memory on for this agent. */
  isEnabled(agent: string): boolean;
  /** The agent's memory, as `ctx.memory`. */
  forAgent(agent: string): AgentMemory;
}

/**
 * Memory on the host's database: embeddings from the configured embedder, extraction by
 * the LLM (or the offline rules), switched off for the agents in MEMORY_DISABLED_AGENTS.
 */
export function createMemory(settings: MemorySettings): MemoryService {
  const { db, config } = settings;
  // Calls of a configured embedding model are recorded in llm_usage on the host's database.
  const embedder =
    settings.embedder ??
    createEmbedder({
      config,
      db,
      ...(settings.fetch ? { fetch: settings.fetch } : {}),
      ...(settings.clock ? { clock: settings.clock } : {}),
      ...(settings.logger ? { logger: settings.logger } : {}),
    });
  const store = createMemoryStore({
    db,
    embedder,
    ...(settings.clock ? { clock: settings.clock } : {}),
    ...(settings.logger ? { logger: settings.logger } : {}),
    ...(settings.minScore === undefined ? {} : { minScore: settings.minScore }),
    ...(settings.duplicateScore === undefined ? {} : { duplicateScore: settings.duplicateScore }),
  });
  const disabled = new Set(config.MEMORY_DISABLED_AGENTS ?? []);
  const agents = new Map<string, AgentMemory>();
  const isEnabled = (agent: string) => !disabled.has(agent);
  return {
    store,
    ready: () => store.ready(),
    isEnabled,
    forAgent(agent) {
      let memory = agents.get(agent);
      if (!memory) {
        memory = createAgentMemory({
          agent,
          enabled: isEnabled(agent),
          store,
          ...(settings.llm ? { llm: settings.llm } : {}),
          ...(settings.logger ? { logger: settings.logger.child({ component: "memory", agent }) } : {}),
        });
        agents.set(agent, memory);
      }
      return memory;
    },
  };
}

/**
 * The memory a host hands its functions: ready (the table checked against
 * EMBEDDING_DIMENSIONS, so a mismatch stops the start), or undefined with a warning when
 * the database has no memories table (migrations applied without pgvector).
 */
export async function connectMemory(settings: MemorySettings): Promise<MemoryService | undefined> {
  if ((await memoryColumnDimensions(settings.db)) === undefined) {
    settings.logger?.warn(
      "memory is off: the database has no memories table (sql/migrations/0003_memory.sql needs pgvector)",
    );
    return undefined;
  }
  const memory = createMemory(settings);
  await memory.ready();
  return memory;
}
