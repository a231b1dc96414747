import { RetryableError } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";

export interface DeadlineSettings {
  readonly clock: Clock;
  readonly timeoutMs: number;
  /** Aborted by the broker when it gives up on the delivery. */
  readonly signal: AbortSignal;
  /** Aborted here when the deadline passes or the delivery is cancelled, so the work can stop. */
  readonly controller: AbortController;
  readonly describe: string;
}

/**
 * Runs `work` until it settles, the deadline passes (a RetryableError: the broker tries
 * again) or the delivery is cancelled. Time comes from the injected clock.
 */
export function withDeadline<T>(work: () => Promise<T>, settings: DeadlineSettings): Promise<T> {
  const { clock, timeoutMs, signal, controller } = settings;
  return new Promise<T>((resolve, reject) => {
    const timer = new AbortController();
    const fail = (error: RetryableError) => {
      timer.abort();
      if (!controller.signal.aborted) controller.abort(error);
      reject(error);
    };
    const onCancel = () => fail(new RetryableError(`${settings.describe} was cancelled by the broker`));
    if (signal.aborted) return onCancel();
    signal.addEventListener("abort", onCancel, { once: true });
    clock.sleep(timeoutMs, timer.signal).then(
      () =>
        fail(
          new RetryableError(
            `${settings.describe} did not finish within ${timeoutMs / 1000} s (scaling.timeoutSeconds); ` +
              "do one bounded step per event and emit an event to continue",
          ),
        ),
      () => {},
    );
    Promise.resolve()
      .then(work)
      .then(
        (value) => {
          timer.abort();
          signal.removeEventListener("abort", onCancel);
          resolve(value);
        },
        (error: unknown) => {
          timer.abort();
          signal.removeEventListener("abort", onCancel);
          reject(error);
        },
      );
  });
}
