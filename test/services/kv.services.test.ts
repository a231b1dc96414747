import { createManualClock } from "@mesh-six/shared/clock";
import { ConfigError } from "@mesh-six/shared/errors";
import { connectKv } from "@mesh-six/shared/kv/connect";
import { describeKvContract } from "@mesh-six/shared/kv/contract";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import { createUpstashKv } from "@mesh-six/shared/kv/upstash";
import { describeRateLimiterContract } from "@mesh-six/shared/ratelimit/contract";
import { createRateLimiter } from "@mesh-six/shared/ratelimit/create";
import { serviceEnv } from "@mesh-six/testing/services";
import { describe, expect, it } from "vitest";

const upstash = () =>
  createUpstashKv({ url: serviceEnv("MESH_TEST_UPSTASH_URL"), token: serviceEnv("MESH_TEST_UPSTASH_TOKEN") });

describeKvContract("Redis through @upstash/redis and the REST proxy", {
  open: async () => upstash(),
  // Redis keeps its own clock: expiry cases wait for real milliseconds to pass.
  elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ttlMs: 40,
});

const clock = createManualClock();
describeKvContract("in-process", {
  open: async () => createMemoryKv({ clock }),
  elapse: (ms) => clock.advance(ms),
  ttlMs: 40,
});

describeRateLimiterContract("@upstash/ratelimit on Redis through the REST proxy", {
  open: async (settings) => createRateLimiter(upstash(), settings),
});

describe("connectKv against the Upstash REST proxy", () => {
  it("connects with the right token", async () => {
    const kv = await connectKv({
      UPSTASH_REDIS_REST_URL: serviceEnv("MESH_TEST_UPSTASH_URL"),
      UPSTASH_REDIS_REST_TOKEN: serviceEnv("MESH_TEST_UPSTASH_TOKEN"),
    });
    expect(kv.driver).toBe("upstash");
  });

  it("stops with the setting and the fix when the token is wrong", async () => {
    const error = await connectKv({
      UPSTASH_REDIS_REST_URL: serviceEnv("MESH_TEST_UPSTASH_URL"),
      UPSTASH_REDIS_REST_TOKEN: "not-the-token",
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      "UPSTASH_REDIS_REST_TOKEN: Upstash refused the token (Unauthorized). Copy the REST token of this database from the Upstash console.",
    );
  });
});
