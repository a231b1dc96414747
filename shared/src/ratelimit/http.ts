import type { FetchHandler } from "../function/define.ts";
import type { RateLimiter } from "../ports/rate-limiter.ts";
import { noTrustedProxies, type TrustedProxies, unmapped } from "./trusted-proxies.ts";

const addresses = new WeakMap<Request, string>();

/** The server adapters record each request's peer address here (it is not a header, so it cannot be forged). */
export function rememberClientAddress(request: Request, address: string | undefined): void {
  if (address) addresses.set(request, address);
}

/**
 * Who a request is counted against: the peer address, unless the peer is a trusted proxy
 * (TRUSTED_PROXIES: Knative's queue-proxy and ingress, a load balancer). Then it is the
 * nearest `X-Forwarded-For` hop that is not a trusted proxy itself, read from the right,
 * so hops a client wrote into the header before reaching our proxies count for nothing.
 * A request that came through no socket (an in-process call) is "unknown".
 */
export function clientOf(request: Request, trusted: TrustedProxies = noTrustedProxies): string {
  const peer = addresses.get(request);
  if (!peer) return "unknown";
  const client = unmapped(peer);
  if (!trusted.has(client)) return client;
  const hops = (request.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((hop) => unmapped(hop.trim()))
    .filter((hop) => hop !== "");
  for (let index = hops.length - 1; index >= 0; index -= 1) {
    if (!trusted.has(hops[index]!)) return hops[index]!;
  }
  return hops[0] ?? client;
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
  options: {
    readonly now: () => number;
    readonly onLimiterError: (error: unknown) => void;
    /** Whose `X-Forwarded-For` counts; nobody's by default. */
    readonly trustedProxies?: TrustedProxies;
    /** Rewrites the 429 (its status and headers kept by the rewrite), e.g. into an imitated API's error shape. */
    readonly restyle?: (request: Request, refusal: Response) => Response | Promise<Response>;
  },
): FetchHandler {
  return async (request) => {
    const client = clientOf(request, options.trustedProxies);
    let decision: Awaited<ReturnType<RateLimiter["limit"]>>;
    try {
      decision = await limiter.limit(client);
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
      const refusal = Response.json(
        {
          error: `rate limit reached: ${decision.limit} requests per window from ${client}; try again in ${seconds} s (RATE_LIMIT_PER_MINUTE sets the limit)`,
        },
        { status: 429, headers: { ...headers, "retry-after": String(seconds) } },
      );
      return options.restyle ? options.restyle(request, refusal) : refusal;
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
