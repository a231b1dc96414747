import type { FetchHandler } from "../function/define.ts";
import type { RateLimiter } from "../ports/rate-limiter.ts";

const addresses = new WeakMap<Request, string>();

/** The server adapters record each request's peer address here (it is not a header, so it cannot be forged). */
export function rememberClientAddress(request: Request, address: string | undefined): void {
  if (address) addresses.set(request, address);
}

/**
 * Who a request is counted against: the first `X-Forwarded-For` hop when a proxy in
 * front of us (Knative's ingress, a load balancer) set one, else the peer address.
 */
export function clientOf(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || addresses.get(request) || "unknown";
}

/**
 * Wraps a Fetch handler so requests past the client's limit get `429` with `Retry-After`
 * and a body that says when to come back; every answer carries the RateLimit headers.
 * A limiter that fails (the key-value store is down) lets the request through and says so
 * in the log, because refusing everything would turn a cache outage into an API outage.
 */
export function withRateLimit(
  handler: FetchHandler,
  limiter: RateLimiter,
  options: { readonly now: () => number; readonly onLimiterError: (error: unknown) => void },
): FetchHandler {
  return async (request) => {
    let decision: Awaited<ReturnType<RateLimiter["limit"]>>;
    try {
      decision = await limiter.limit(clientOf(request));
    } catch (error) {
      options.onLimiterError(error);
      return handler(request);
    }
    const seconds = Math.max(1, Math.ceil((decision.resetAt - options.now()) / 1000));
    const headers = {
      "ratelimit-limit": String(decision.limit),
      "ratelimit-remaining": String(decision.remaining),
      "ratelimit-reset": String(seconds),
    };
    if (!decision.allowed) {
      return Response.json(
        {
          error: `rate limit reached: ${decision.limit} requests per window from ${clientOf(request)}; try again in ${seconds} s (RATE_LIMIT_PER_MINUTE sets the limit)`,
        },
        { status: 429, headers: { ...headers, "retry-after": String(seconds) } },
      );
    }
    const response = await handler(request);
    const answer = new Response(response.body, response);
    for (const [name, value] of Object.entries(headers)) answer.headers.set(name, value);
    return answer;
  };
}

/** Gives `copy`, a request rebuilt from `original` (its body read), the peer address recorded for `original`. */
export function carryClientAddress(original: Request, copy: Request): void {
  const address = addresses.get(original);
  if (address) addresses.set(copy, address);
}
