import type { LlmConfig } from "../config/llm.ts";
import { llmConfig } from "../config/llm.ts";
import type { MemoryConfig } from "../config/memory.ts";
import { memoryConfig } from "../config/memory.ts";
import type { Settings } from "../config/read.ts";
import { includesConfig } from "../function/config.ts";
import type { FunctionDefinition } from "../function/define.ts";
import { createLlm } from "../llm/create.ts";
import type { Llm } from "../llm/port.ts";
import { connectMemory, type MemoryService } from "../memory/create.ts";
import type { Clock } from "../ports/clock.ts";
import type { Db } from "../ports/db.ts";
import type { Kv } from "../ports/kv.ts";
import type { Logger } from "../ports/logger.ts";

export interface FunctionPortSettings {
  readonly db: Db;
  /** Where budgets are counted when LLM_BUDGET_STORE is `kv`. */
  readonly kv?: Kv;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Given instead of the one its settings describe (tests: a recorded or failing model). */
  readonly llm?: Llm;
  readonly memory?: MemoryService;
}

export interface FunctionPorts {
  readonly llm?: Llm;
  readonly memory?: MemoryService;
}

/**
 * The ports a function's handler gets from its own settings: `ctx.llm` when its config
 * includes `llmConfig` (every function with a run does), `ctx.memory` when it includes
 * `memoryConfig` (memory off, with a warning, on a database without the memories table).
 * A function whose config has neither, or that has no handler, gets neither.
 */
export async function connectFunctionPorts(
  definition: FunctionDefinition,
  own: Settings,
  settings: FunctionPortSettings,
): Promise<FunctionPorts> {
  if (!definition.handler) return {};
  const logger = settings.logger.child({ function: definition.name });
  // includesConfig checked that the settings hold every variable of the piece
  const llm = includesConfig(definition, llmConfig)
    ? (settings.llm ??
      createLlm({
        config: own as LlmConfig,
        db: settings.db,
        ...(settings.kv ? { kv: settings.kv } : {}),
        clock: settings.clock,
        logger: logger.child({ component: "llm" }),
      }))
    : undefined;
  const memory = includesConfig(definition, memoryConfig)
    ? (settings.memory ??
      (await connectMemory({
        db: settings.db,
        config: own as MemoryConfig,
        ...(llm ? { llm } : {}),
        clock: settings.clock,
        logger: logger.child({ component: "memory" }),
      })))
    : undefined;
  return { ...(llm ? { llm } : {}), ...(memory ? { memory } : {}) };
}
