/** What a rate limiter decided for one request. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Requests allowed per window. */
  readonly limit: number;
  /** Requests left in the current window after this one. */
  readonly remaining: number;
  /** When the window that refused (or counted) this request ends, in epoch milliseconds. */
  readonly resetAt: number;
}

/** Limits requests per identifier (a client IP, an API key) on the public ingress and gateway. */
export interface RateLimiter {
  readonly driver: string;
  limit(identifier: string): Promise<RateLimitDecision>;
}
