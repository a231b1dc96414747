import { createManualClock } from "@mesh-six/shared/clock";
import { describeKvContract } from "@mesh-six/shared/kv/contract";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import { createUpstashKv } from "@mesh-six/shared/kv/upstash";
import { describeRateLimiterContract } from "@mesh-six/shared/ratelimit/contract";
import { createRateLimiter } from "@mesh-six/shared/ratelimit/create";
import { serviceEnv } from "./env.ts";

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
