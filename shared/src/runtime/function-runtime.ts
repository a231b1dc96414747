import type { Subscriber } from "../broker/types.ts";
import type { FunctionRuntimeSettings } from "./settings.ts";
import { createHandlerSubscriber } from "./subscriber.ts";
import { type SweepOptions, sweepOutbox } from "./sweep.ts";

export type { FunctionRuntimeSettings };

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
