import { Redis, type Requester } from "@upstash/redis";
import type { Kv } from "../ports/kv.ts";

export interface UpstashSettings {
  /** UPSTASH_REDIS_REST_URL, e.g. `https://eu1-cool-bee-12345.upstash.io`. */
  readonly url: string;
  /** UPSTASH_REDIS_REST_TOKEN. */
  readonly token: string;
  /**
   * Sends the REST calls instead of the client's own `fetch` (the client has no fetch
   * option; a Requester is its way to replace the transport).
   */
  readonly requester?: Requester;
  /** Attempts per command when the network fails; the client's default (5) when omitted. */
  readonly retries?: number;
}

// Creates the counter with its expiry in one step, so a crash between the two cannot
// leave a budget counter that never expires. Same rule as the memory Kv: ttl on create.
const incrementScript = `
local existed = redis.call('EXISTS', KEYS[1])
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if existed == 0 and ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value`;

// The budget reservation: adds only while the counter stays within the limit, in one
// step on the server, so concurrent callers cannot all pass the same check.
const withinScript = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current == nil then return redis.error_reply('kv: value of ' .. KEYS[1] .. ' is not an integer') end
local by = tonumber(ARGV[1])
if by > 0 and current + by > tonumber(ARGV[2]) then return false end
local existed = redis.call('EXISTS', KEYS[1])
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if existed == 0 and ARGV[3] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return value`;

const clients = new WeakMap<Kv, Redis>();

/** Upstash Redis over its REST API, through `@upstash/redis`. */
export function createUpstashKv(settings: UpstashSettings): Kv {
  const redis = settings.requester
    ? new Redis(settings.requester)
    : new Redis({
        url: settings.url,
        token: settings.token,
        automaticDeserialization: false,
        enableTelemetry: false,
        ...(settings.retries === undefined ? {} : { retry: { retries: settings.retries } }),
      });
  const kv: Kv = {
    driver: "upstash",
    async get(key) {
      const value = await redis.get<string>(key);
      return value === null || value === undefined ? null : String(value);
    },
    async set(key, value, options = {}) {
      const ttl = options.ttlMs === undefined ? {} : { px: options.ttlMs };
      const result = options.ifAbsent
        ? await redis.set(key, value, { ...ttl, nx: true })
        : await redis.set(key, value, ttl);
      return result === "OK";
    },
    async incrBy(key, by, options = {}) {
      const ttl = options.ttlMs === undefined ? "" : String(Math.max(1, Math.round(options.ttlMs)));
      return Number(await redis.eval(incrementScript, [key], [String(by), ttl]));
    },
    async incrByWithin(key, by, limit, options = {}) {
      const ttl = options.ttlMs === undefined ? "" : String(Math.max(1, Math.round(options.ttlMs)));
      const value = await redis.eval(withinScript, [key], [String(by), String(limit), ttl]);
      return value === null || value === undefined ? null : Number(value);
    },
    async del(key) {
      await redis.del(key);
    },
    async close() {},
  };
  clients.set(kv, redis);
  return kv;
}

/** The Redis client behind an Upstash Kv (for @upstash/ratelimit), or undefined for other Kvs. */
export function upstashClientOf(kv: Kv): Redis | undefined {
  return clients.get(kv);
}
