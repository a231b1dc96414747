import { upstashClientOf } from "../kv/upstash.ts";
import type { Clock } from "../ports/clock.ts";
import type { Kv } from "../ports/kv.ts";
import type { RateLimiter } from "../ports/rate-limiter.ts";
import { createKvRateLimiter } from "./kv-window.ts";
import { checkRateLimitSettings, type RateLimitSettings } from "./settings.ts";
import { createUpstashRateLimiter } from "./upstash.ts";

/**
 * The rate limiter for a Kv: `@upstash/ratelimit`'s sliding window when the Kv is
 * Upstash, a fixed window counted in the Kv otherwise (the in-process store).
 */
export function createRateLimiter(
  kv: Kv,
  settings: RateLimitSettings & { readonly clock?: Clock },
): RateLimiter {
  checkRateLimitSettings(settings);
  const redis = upstashClientOf(kv);
  return redis ? createUpstashRateLimiter(redis, settings) : createKvRateLimiter(kv, settings);
}
