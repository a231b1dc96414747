import type { RateLimitConfig } from "../config/access.ts";
import type { FetchHandler, HttpRoutes } from "../function/define.ts";
import type { Clock } from "../ports/clock.ts";
import type { Kv } from "../ports/kv.ts";
import type { Logger } from "../ports/logger.ts";
import { createRateLimiter } from "../ratelimit/create.ts";
import { withRateLimit } from "../ratelimit/http.ts";

/** Rate-limits a public handler per client (RATE_LIMIT_PER_MINUTE; 0 leaves it open). */
export function publicLimit(kv: Kv, config: RateLimitConfig, clock: Clock, logger: Logger) {
  if (config.RATE_LIMIT_PER_MINUTE === 0)
    return (handler: FetchHandler, _restyle?: HttpRoutes["restyle"]) => handler;
  const limiter = createRateLimiter(kv, {
    limit: config.RATE_LIMIT_PER_MINUTE,
    windowMs: 60_000,
    prefix: "public",
    clock,
  });
  const onLimiterError = (error: unknown) =>
    logger.warn("rate limiter unavailable; letting the request through", { error });
  const trustedProxies = config.TRUSTED_PROXIES;
  return (handler: FetchHandler, restyle?: HttpRoutes["restyle"]) =>
    withRateLimit(handler, limiter, {
      now: () => clock.now(),
      onLimiterError,
      ...(trustedProxies ? { trustedProxies } : {}),
      ...(restyle ? { restyle } : {}),
    });
}
