import type { Clock } from "../ports/clock.ts";
import type { Kv } from "../ports/kv.ts";
import { over } from "./postgres-store.ts";
import type { Counter, ReservationStore } from "./reservation-store.ts";

// A counter outlives its window by a day, so a late settle still finds it.
const graceMs = 86_400_000;

/**
 * Budget counters in the Kv port (in-process, or Upstash Redis with a Lua script):
 * `incrByWithin` adds an estimate only while the counter stays within its limit. Tokens and
 * money are two counters; a reservation that passes the first and not the second gives the
 * first back.
 */
export function createKvReservations(kv: Kv, clock: Clock): ReservationStore {
  const keys = (counter: Counter) => {
    const base = `mesh-six:budget:${counter.budget}:${counter.subject}:${counter.windowStart}`;
    return { tokens: `${base}:tokens`, microUsd: `${base}:micro-usd` };
  };
  const ttl = (counter: Counter) =>
    counter.resetsAt === undefined ? {} : { ttlMs: Math.max(1, counter.resetsAt - clock.now() + graceMs) };
  return {
    kind: `kv:${kv.driver}`,
    async reserve(counter, amounts, limits) {
      if (over(amounts, limits)) return false;
      const { tokens, microUsd } = keys(counter);
      const options = ttl(counter);
      const tokenLimit = limits.tokens ?? Number.MAX_SAFE_INTEGER;
      if ((await kv.incrByWithin(tokens, amounts.tokens, tokenLimit, options)) === null) return false;
      const moneyLimit = limits.microUsd ?? Number.MAX_SAFE_INTEGER;
      if ((await kv.incrByWithin(microUsd, amounts.microUsd, moneyLimit, options)) === null) {
        await kv.incrBy(tokens, -amounts.tokens);
        return false;
      }
      return true;
    },
    async adjust(counter, delta) {
      const { tokens, microUsd } = keys(counter);
      const options = ttl(counter);
      if (delta.tokens !== 0) await kv.incrBy(tokens, delta.tokens, options);
      if (delta.microUsd !== 0) await kv.incrBy(microUsd, delta.microUsd, options);
    },
    async used(counter) {
      const { tokens, microUsd } = keys(counter);
      const [usedTokens, usedMoney] = await Promise.all([kv.get(tokens), kv.get(microUsd)]);
      return { tokens: Number(usedTokens ?? 0), microUsd: Number(usedMoney ?? 0) };
    },
  };
}
