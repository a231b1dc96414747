import { parseDuration } from "../broker/duration.ts";
import { RunDefinitionError } from "./errors.ts";
import type { Duration } from "./types.ts";

/** Milliseconds of a step's duration argument; a RunDefinitionError naming the step when it is not one. */
export function durationMs(duration: Duration, step: string, what: string): number {
  const ms = typeof duration === "number" ? duration : parseDuration(duration);
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
    throw new RunDefinitionError(
      `step "${step}": ${what} must be a non-negative number of milliseconds or an ISO-8601 duration such as "PT30S" or "P1D", got ${JSON.stringify(duration)}`,
      step,
    );
  }
  return ms;
}

/** Milliseconds since the epoch of a time argument. */
export function timeMs(time: Date | string | number, step: string): number {
  const ms = time instanceof Date ? time.getTime() : typeof time === "number" ? time : Date.parse(time);
  if (!Number.isFinite(ms)) {
    throw new RunDefinitionError(
      `step "${step}": the time must be a Date, milliseconds or an ISO-8601 time, got ${JSON.stringify(time)}`,
      step,
    );
  }
  return ms;
}
