import { ConfigError } from "../errors.ts";

export interface RateLimitSettings {
  /** Requests allowed per identifier in one window. */
  readonly limit: number;
  /** The window, in milliseconds. */
  readonly windowMs: number;
  /** Namespaces the keys, e.g. "ingress" or "gateway"; "ratelimit" when omitted. */
  readonly prefix?: string;
}

export function checkRateLimitSettings(settings: RateLimitSettings): void {
  if (!Number.isInteger(settings.limit) || settings.limit < 1) {
    throw new ConfigError(
      "rate limit",
      `limit must be a whole number of requests ≥ 1 (got ${settings.limit}).`,
    );
  }
  if (!Number.isInteger(settings.windowMs) || settings.windowMs < 1) {
    throw new ConfigError(
      "rate limit",
      `windowMs must be a whole number of milliseconds ≥ 1 (got ${settings.windowMs}).`,
    );
  }
}
