import { describe, expect, it } from "vitest";
import { createManualClock } from "../clock.ts";
import { createMemoryKv } from "../kv/memory.ts";
import { createRateLimiter } from "./create.ts";
import { clientOf, rememberClientAddress, withRateLimit } from "./http.ts";
import { parseTrustedProxies, type TrustedProxies } from "./trusted-proxies.ts";

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

/** A request from peer `client` (as the server adapters record it). */
function from(client: string, forwarded?: string): Request {
  const request = new Request("http://mesh.test/tasks", {
    headers: forwarded === undefined ? {} : { "x-forwarded-for": forwarded },
  });
  rememberClientAddress(request, client);
  return request;
}

function trusted(text: string): TrustedProxies {
  const parsed = parseTrustedProxies(text);
  if (!("proxies" in parsed)) throw new Error(parsed.problems.join("; "));
  return parsed.proxies;
}

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

  it("counts a request against the peer address, whatever X-Forwarded-For says", () => {
    const request = new Request("http://mesh.test/", { headers: { "x-forwarded-for": "198.51.100.1" } });
    expect(clientOf(request)).toBe("unknown");
    rememberClientAddress(request, "127.0.0.7");
    expect(clientOf(request)).toBe("127.0.0.7");
    expect(clientOf(from("203.0.113.9", "198.51.100.1"))).toBe("203.0.113.9");
    expect(clientOf(from("::ffff:203.0.113.9"))).toBe("203.0.113.9");
  });

  it("believes X-Forwarded-For only from trusted proxies, reading it from the right", () => {
    const proxies = trusted("10.0.0.0/8, 127.0.0.1, fd00::/8");
    // a trusted proxy appended the client; what the client wrote before that counts for nothing
    expect(clientOf(from("10.1.2.3", "198.51.100.1, 203.0.113.9"), proxies)).toBe("203.0.113.9");
    expect(clientOf(from("127.0.0.1", "203.0.113.9, 10.0.0.5"), proxies)).toBe("203.0.113.9");
    expect(clientOf(from("fd00::1", "2001:db8::7"), proxies)).toBe("2001:db8::7");
    // an untrusted peer's header is ignored
    expect(clientOf(from("203.0.113.50", "198.51.100.1"), proxies)).toBe("203.0.113.50");
    // a trusted peer without the header, or only trusted hops: the leftmost address
    expect(clientOf(from("10.0.0.9"), proxies)).toBe("10.0.0.9");
    expect(clientOf(from("10.0.0.9", "10.0.0.8"), proxies)).toBe("10.0.0.8");
  });

  it("reads TRUSTED_PROXIES as IPs and CIDR ranges, and names the entries that are neither", () => {
    const proxies = trusted("192.168.0.0/16,::1");
    expect([proxies.has("192.168.4.4"), proxies.has("192.169.0.1"), proxies.has("::1")]).toEqual([
      true,
      false,
      true,
    ]);
    expect(parseTrustedProxies("10.0.0.0/33, proxy.local, 10.0.0.1")).toEqual({
      problems: [
        "'10.0.0.0/33' is not an IP address or a CIDR range (e.g. 127.0.0.1, 10.0.0.0/8, fd00::/8)",
        "'proxy.local' is not an IP address or a CIDR range (e.g. 127.0.0.1, 10.0.0.0/8, fd00::/8)",
      ],
    });
  });
});
