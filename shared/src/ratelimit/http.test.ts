import { describe, expect, it } from "vitest";
import { createManualClock } from "../clock.ts";
import { createMemoryKv } from "../kv/memory.ts";
import { createRateLimiter } from "./create.ts";
import { clientOf, rememberClientAddress, withRateLimit } from "./http.ts";

function limitedHandler(limit: number, failing = false) {
  const clock = createManualClock();
  const limiter = failing
    ? { driver: "broken", limit: () => Promise.reject(new Error("kv down")) }
    : createRateLimiter(createMemoryKv({ clock }), { limit, windowMs: 60_000, clock });
  const errors: unknown[] = [];
  const handler = withRateLimit(() => new Response("ok"), limiter, {
    now: () => clock.now(),
    onLimiterError: (error) => errors.push(error),
  });
  return { handler, clock, errors };
}

const from = (client: string) =>
  new Request("http://mesh.test/tasks", { headers: { "x-forwarded-for": `${client}, 10.0.0.1` } });

describe("withRateLimit", () => {
  it("lets a client through up to its limit, then answers 429 with when to come back", async () => {
    const { handler } = limitedHandler(2);
    expect((await handler(from("a"))).status).toBe(200);
    const second = await handler(from("a"));
    expect(second.headers.get("ratelimit-remaining")).toBe("0");
    const refused = await handler(from("a"));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: string }).error).toMatch(/RATE_LIMIT_PER_MINUTE/);
    expect((await handler(from("b"))).status).toBe(200);
  });

  it("opens again in the next window", async () => {
    const { handler, clock } = limitedHandler(1);
    expect((await handler(from("a"))).status).toBe(200);
    expect((await handler(from("a"))).status).toBe(429);
    await clock.advance(60_000);
    expect((await handler(from("a"))).status).toBe(200);
  });

  it("lets requests through when the limiter itself fails, and reports it", async () => {
    const { handler, errors } = limitedHandler(1, true);
    expect((await handler(from("a"))).status).toBe(200);
    expect(errors).toHaveLength(1);
  });

  it("counts a request against the peer address when no proxy named the client", () => {
    const request = new Request("http://mesh.test/");
    expect(clientOf(request)).toBe("unknown");
    rememberClientAddress(request, "127.0.0.7");
    expect(clientOf(request)).toBe("127.0.0.7");
    expect(clientOf(from("203.0.113.9"))).toBe("203.0.113.9");
  });
});
