import type { MeshConfig } from "@mesh-six/shared/config/env";
import { createLlm } from "@mesh-six/shared/llm/create";
import type { Llm } from "@mesh-six/shared/llm/port";
import { connectMemory, type MemoryService } from "@mesh-six/shared/memory/create";
import type { Clock } from "@mesh-six/shared/ports/clock";
import type { Db } from "@mesh-six/shared/ports/db";
import type { Logger } from "@mesh-six/shared/ports/logger";

/** What an agent's handlers get besides the ports: `ctx.llm` and `ctx.memory`. */
export interface AgentServices {
  readonly llm: Llm;
  /** None when the database has no memories table. */
  readonly memory?: MemoryService;
}

export type AgentServicesFactory = (ports: {
  readonly db: Db;
  readonly config: MeshConfig;
  readonly clock: Clock;
  readonly logger: Logger;
}) => Promise<AgentServices>;

/**
 * The configured LLM and long-term memory (memory checked against its table at start).
 * Only the bundles of agents (functions offering capabilities) import this, so the others
 * carry neither the AI SDK nor the memory code.
 */
export const agentServices: AgentServicesFactory = async ({ db, config, clock, logger }) => {
  const llm = createLlm({ config, db, clock, logger: logger.child({ component: "llm" }) });
  const memory = await connectMemory({ db, config, llm, clock, logger });
  return { llm, ...(memory ? { memory } : {}) };
};
