import { systemClock } from "../clock.ts";
import type { Clock } from "../ports/clock.ts";
import type { Kv } from "../ports/kv.ts";

interface Entry {
  value: string;
  expiresAt: number | undefined;
}

/** The in-process key-value store: one Map, expiry checked on read. */
export function createMemoryKv(settings: { readonly clock?: Clock } = {}): Kv {
  const clock = settings.clock ?? systemClock;
  const entries = new Map<string, Entry>();
  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= clock.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const expiry = (ttlMs: number | undefined) => (ttlMs === undefined ? undefined : clock.now() + ttlMs);
  // synchronous from read to write: one step, as atomic as Redis' INCRBY
  const add = (key: string, by: number, limit: number, ttlMs: number | undefined): number | null => {
    const entry = live(key);
    if (entry && !/^-?\d+$/.test(entry.value)) throw new Error(`kv: value of ${key} is not an integer`);
    const current = entry ? Number(entry.value) : 0;
    const next = current + by;
    if (by > 0 && next > limit) return null;
    entries.set(key, { value: String(next), expiresAt: entry ? entry.expiresAt : expiry(ttlMs) });
    return next;
  };
  return {
    driver: "memory",
    async get(key) {
      return live(key)?.value ?? null;
    },
    async set(key, value, options = {}) {
      if (options.ifAbsent && live(key)) return false;
      entries.set(key, { value, expiresAt: expiry(options.ttlMs) });
      return true;
    },
    async incrBy(key, by, options = {}) {
      return add(key, by, Number.POSITIVE_INFINITY, options.ttlMs) as number;
    },
    async incrByWithin(key, by, limit, options = {}) {
      return add(key, by, limit, options.ttlMs);
    },
    async del(key) {
      entries.delete(key);
    },
    async close() {
      entries.clear();
    },
  };
}
