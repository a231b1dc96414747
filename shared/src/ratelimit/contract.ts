import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { RateLimiter } from "../ports/rate-limiter.ts";
import type { RateLimitSettings } from "./settings.ts";

export interface RateLimiterContractTarget {
  /** A limiter with these settings. */
  open(settings: RateLimitSettings): Promise<RateLimiter>;
}

/** The behaviour every RateLimiter must have, within one window (no time passes). */
export function describeRateLimiterContract(name: string, target: RateLimiterContractTarget): void {
  describe(`RateLimiter contract: ${name}`, () => {
    const prefix = () => `contract-${randomUUID()}`;

    it("allows `limit` requests in a window, then refuses, counting down what is left", async () => {
      const limiter = await target.open({ limit: 3, windowMs: 60_000, prefix: prefix() });
      const decisions = [];
      for (let index = 0; index < 5; index += 1) decisions.push(await limiter.limit("client-a"));
      expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, false, false]);
      expect(decisions.map((decision) => decision.remaining)).toEqual([2, 1, 0, 0, 0]);
      expect(decisions.every((decision) => decision.limit === 3)).toBe(true);
      expect(decisions[3]!.resetAt).toBeGreaterThan(0);
    });

    it("counts each identifier on its own", async () => {
      const limiter = await target.open({ limit: 1, windowMs: 60_000, prefix: prefix() });
      expect((await limiter.limit("client-a")).allowed).toBe(true);
      expect((await limiter.limit("client-a")).allowed).toBe(false);
      expect((await limiter.limit("client-b")).allowed).toBe(true);
    });

    it("lets exactly `limit` of a burst of concurrent requests through", async () => {
      const limiter = await target.open({ limit: 4, windowMs: 60_000, prefix: prefix() });
      const decisions = await Promise.all(Array.from({ length: 10 }, () => limiter.limit("burst")));
      expect(decisions.filter((decision) => decision.allowed)).toHaveLength(4);
    });
  });
}
