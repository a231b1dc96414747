import { describe, expect, it } from "vitest";
import { createManualClock } from "../clock.ts";
import { ConfigError } from "../errors.ts";
import { createMemoryKv } from "../kv/memory.ts";
import { describeRateLimiterContract } from "./contract.ts";
import { createRateLimiter } from "./create.ts";

describeRateLimiterContract("fixed window on the in-process store", {
  open: async (settings) => createRateLimiter(createMemoryKv(), settings),
});

describe("the fixed window on the in-process store", () => {
  it("opens a new window when the old one ends", async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1));
    const limiter = createRateLimiter(createMemoryKv({ clock }), { limit: 2, windowMs: 1_000, clock });
    expect((await limiter.limit("a")).allowed).toBe(true);
    expect((await limiter.limit("a")).allowed).toBe(true);
    const refused = await limiter.limit("a");
    expect(refused).toEqual({
      allowed: false,
      limit: 2,
      remaining: 0,
      resetAt: Date.UTC(2026, 0, 1) + 1_000,
    });
    await clock.advance(1_000);
    expect((await limiter.limit("a")).allowed).toBe(true);
  });

  it("refuses settings that cannot work", () => {
    expect(() => createRateLimiter(createMemoryKv(), { limit: 0, windowMs: 1_000 })).toThrow(ConfigError);
    expect(() => createRateLimiter(createMemoryKv(), { limit: 5, windowMs: 0.5 })).toThrow(/windowMs/);
  });
});
