import type { MeshEvent } from "@mesh-six/events";
import type { Subscriber } from "../broker/types.ts";
import type { Settings } from "../config/read.ts";
import type { FunctionDefinition, VariableReader } from "../function/define.ts";
import type { Llm } from "../llm/port.ts";
import type { MemoryService } from "../memory/create.ts";
import type { Clock } from "../ports/clock.ts";
import type { Db } from "../ports/db.ts";
import type { Kv } from "../ports/kv.ts";
import type { Logger } from "../ports/logger.ts";
import { createHandlerSubscriber } from "./subscriber.ts";
import { type SweepOptions, sweepOutbox } from "./sweep.ts";

export interface FunctionRuntimeSettings {
  readonly definition: FunctionDefinition;
  readonly db: Db;
  readonly kv: Kv;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The function's own settings, read by its config schema (`readFleetConfig`): `ctx.config`. */
  readonly config: Settings;
  /** Variables named at run time (dependency checks' URLs): `ctx.variable`; none when omitted. */
  readonly variable?: VariableReader;
  /** Hands a follow-up event to the broker; resolves once it is stored there. */
  readonly publish: (event: MeshEvent) => Promise<void>;
  /** The LLM port handed to handlers as `ctx.llm`. */
  readonly llm?: Llm;
  /** Long-term memory; each handler gets its function's view as `ctx.memory`. */
  readonly memory?: MemoryService;
}

export interface FunctionRuntime {
  /** Handles one delivery: de-duplicated, committed with its follow-ups, then published. */
  readonly subscriber: Subscriber;
  /** Republishes this function's follow-ups left unpublished (see `sweepOutbox`); resolves with the count. */
  sweepOutbox(options?: SweepOptions): Promise<number>;
}

/** Runs a function's handler with at-least-once safety: inbox de-duplication and a transactional outbox. */
export function createFunctionRuntime(settings: FunctionRuntimeSettings): FunctionRuntime {
  const { definition, db, clock, publish, logger } = settings;
  const handler = definition.handler;
  if (!handler) {
    throw new Error(
      `function ${definition.name} has no handler; add one to its definition or do not subscribe it to events`,
    );
  }
  const timeoutSeconds = definition.scaling?.timeoutSeconds ?? 300;
  if (!(Number.isFinite(timeoutSeconds) && timeoutSeconds > 0)) {
    throw new Error(
      `function ${definition.name}: scaling.timeoutSeconds must be a positive number of seconds, got ${timeoutSeconds}`,
    );
  }
  return {
    subscriber: createHandlerSubscriber({ ...settings, handler, timeoutMs: timeoutSeconds * 1000 }),
    sweepOutbox: (options) =>
      sweepOutbox(
        {
          db,
          publish,
          now: () => clock.now(),
          logger: logger.child({ function: definition.name }),
          functionName: definition.name,
        },
        options,
      ),
  };
}
