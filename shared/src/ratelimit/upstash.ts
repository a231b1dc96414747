import { Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis";
import type { RateLimiter } from "../ports/rate-limiter.ts";
import type { RateLimitSettings } from "./settings.ts";

/** A sliding window in Upstash Redis through `@upstash/ratelimit`, shared by every instance. */
export function createUpstashRateLimiter(redis: Redis, settings: RateLimitSettings): RateLimiter {
  const ratelimit = new Ratelimit({
    redis,
    limiter: Ratelimit.slidingWindow(settings.limit, `${settings.windowMs} ms`),
    prefix: settings.prefix ?? "ratelimit",
    analytics: false,
    // Decisions come from Redis alone, so every instance agrees.
    ephemeralCache: false,
  });
  return {
    driver: "upstash-sliding-window",
    async limit(identifier) {
      const result = await ratelimit.limit(identifier);
      return {
        allowed: result.success,
        limit: result.limit,
        remaining: result.remaining,
        resetAt: result.reset,
      };
    },
  };
}
