import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.ts";
import { createKv } from "./create.ts";

describe("createKv", () => {
  it("uses the in-process store when Upstash is not configured", () => {
    expect(createKv({}).driver).toBe("memory");
  });

  it("uses Upstash when its URL and token are set", () => {
    const kv = createKv({
      UPSTASH_REDIS_REST_URL: "https://eu1-bee.upstash.io",
      UPSTASH_REDIS_REST_TOKEN: "t",
    });
    expect(kv.driver).toBe("upstash");
  });

  it("names the missing token and how to get it", () => {
    const attempt = () => createKv({ UPSTASH_REDIS_REST_URL: "https://eu1-bee.upstash.io" });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^UPSTASH_REDIS_REST_TOKEN: is missing while UPSTASH_REDIS_REST_URL is set/);
  });

  it("names the missing URL when only the token is set", () => {
    expect(() => createKv({ UPSTASH_REDIS_REST_TOKEN: "t" })).toThrow(/^UPSTASH_REDIS_REST_URL: is missing/);
  });
});
