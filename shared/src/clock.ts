import type { Clock } from "./ports/clock.ts";

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/** A clock that only moves when told to: `advance(ms)` wakes every sleeper that is due. */
export interface ManualClock extends Clock {
  advance(ms: number): Promise<void>;
  /** How many sleepers are waiting. */
  readonly pending: number;
}

export function createManualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let now = start;
  const sleepers: { until: number; wake: () => void }[] = [];
  return {
    now: () => now,
    get pending() {
      return sleepers.length;
    },
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const onAbort = () => {
          const index = sleepers.indexOf(sleeper);
          if (index >= 0) sleepers.splice(index, 1);
          reject(signal?.reason);
        };
        const sleeper = {
          until: now + Math.max(0, ms),
          wake: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
        };
        sleepers.push(sleeper);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
    async advance(ms) {
      const target = now + ms;
      for (;;) {
        const due = sleepers.filter((sleeper) => sleeper.until <= target);
        if (due.length === 0) break;
        due.sort((a, b) => a.until - b.until);
        const next = due[0]!;
        now = Math.max(now, next.until);
        sleepers.splice(sleepers.indexOf(next), 1);
        next.wake();
        // let the woken task run (and perhaps sleep again) before waking the next
        await new Promise((resolve) => setImmediate(resolve));
      }
      now = target;
    },
  };
}
