import { ConfigError } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { Kv } from "../ports/kv.ts";
import { createMemoryKv } from "./memory.ts";
import { createUpstashKv } from "./upstash.ts";

/** The settings that choose a Kv; `loadConfig()`'s result fits. */
export interface KvConfig {
  readonly UPSTASH_REDIS_REST_URL?: string | undefined;
  readonly UPSTASH_REDIS_REST_TOKEN?: string | undefined;
}

/**
 * Upstash Redis when UPSTASH_REDIS_REST_URL is set (its token is then required), the
 * in-process store otherwise.
 */
export function createKv(config: KvConfig, settings: { readonly clock?: Clock } = {}): Kv {
  const url = config.UPSTASH_REDIS_REST_URL;
  const token = config.UPSTASH_REDIS_REST_TOKEN;
  if (url && !token) {
    throw new ConfigError(
      "UPSTASH_REDIS_REST_TOKEN",
      "is missing while UPSTASH_REDIS_REST_URL is set: copy the REST token from the Upstash console (Redis → REST API), or unset UPSTASH_REDIS_REST_URL to use the in-process store.",
    );
  }
  if (token && !url) {
    throw new ConfigError(
      "UPSTASH_REDIS_REST_URL",
      "is missing while UPSTASH_REDIS_REST_TOKEN is set: copy the REST URL (https://….upstash.io) from the Upstash console, or unset the token to use the in-process store.",
    );
  }
  if (url && token) {
    if (!/^https?:\/\//.test(url)) {
      throw new ConfigError("UPSTASH_REDIS_REST_URL", `must be an http(s) URL (got ${JSON.stringify(url)}).`);
    }
    return createUpstashKv({ url, token });
  }
  return createMemoryKv(settings);
}
