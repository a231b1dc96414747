import { systemClock } from "../clock.ts";
import type { Clock } from "../ports/clock.ts";
import type { Kv } from "../ports/kv.ts";
import type { RateLimiter } from "../ports/rate-limiter.ts";
import type { RateLimitSettings } from "./settings.ts";

/**
 * A fixed window counted on any Kv: one counter per identifier and window, created with
 * the window as its time to live. Exact for the in-process store; on a shared store every
 * instance counts into the same window.
 */
export function createKvRateLimiter(
  kv: Kv,
  settings: RateLimitSettings & { readonly clock?: Clock },
): RateLimiter {
  const clock = settings.clock ?? systemClock;
  const prefix = settings.prefix ?? "ratelimit";
  return {
    driver: `fixed-window:${kv.driver}`,
    async limit(identifier) {
      const window = Math.floor(clock.now() / settings.windowMs);
      const count = await kv.incrBy(`${prefix}:${identifier}:${window}`, 1, { ttlMs: settings.windowMs });
      return {
        allowed: count <= settings.limit,
        limit: settings.limit,
        remaining: Math.max(0, settings.limit - count),
        resetAt: (window + 1) * settings.windowMs,
      };
    },
  };
}
