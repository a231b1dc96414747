import { createManualClock } from "../clock.ts";
import type { Clock } from "../ports/clock.ts";

/**
 * A manual clock for broker tests that moves time one wake-up at a time: `advance(ms,
 * settle)` stops at every sleeper due on the way and waits for `settle()` before moving
 * on, so a retry scheduled by work that a wake-up started still happens at its exact time.
 */
export interface SteppingClock extends Clock {
  advance(ms: number, settle: () => Promise<void>): Promise<void>;
  /** When the earliest sleeper is due; undefined when nobody sleeps. */
  readonly nextWakeAt: number | undefined;
}

export function createSteppingClock(start?: number): SteppingClock {
  const manual = createManualClock(start);
  const sleepers = new Set<{ readonly until: number }>();
  const nextWakeAt = () => {
    let earliest: number | undefined;
    for (const sleeper of sleepers)
      if (earliest === undefined || sleeper.until < earliest) earliest = sleeper.until;
    return earliest;
  };
  return {
    now: () => manual.now(),
    get nextWakeAt() {
      return nextWakeAt();
    },
    sleep(ms, signal) {
      const sleeper = { until: manual.now() + Math.max(0, ms) };
      sleepers.add(sleeper);
      return manual.sleep(ms, signal).finally(() => sleepers.delete(sleeper));
    },
    async advance(ms, settle) {
      const target = manual.now() + ms;
      await settle();
      for (;;) {
        const next = nextWakeAt();
        if (next === undefined || next > target) break;
        await manual.advance(next - manual.now());
        await settle();
      }
      await manual.advance(target - manual.now());
      await settle();
    },
  };
}
