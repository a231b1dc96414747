import { deadLetter } from "@mesh-six/function-dead-letter";
import { loadConfig } from "@mesh-six/shared/config/env";
import { withoutVector } from "@mesh-six/shared/db/missing-vector";
import { startEmbeddedHost } from "@mesh-six/shared/host/embedded";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import { silentLogger } from "@mesh-six/shared/log/logger";
import { loadMigrations } from "@mesh-six/sql";
import { kafkaBrokerFactory } from "../host.ts";
import { crashEffects } from "./crash-effects.ts";

/**
 * A consumer process for the crash tests: the host with the crash-effects and dead-letter
 * functions on Kafka (KAFKA_BROKERS, CRASH_TOPIC) and Postgres (DATABASE_URL). Prints
 * "ready" once its consumer groups joined; stops cleanly on SIGTERM. The tests kill it
 * with SIGKILL to crash it mid-stream.
 */
const topic = process.env.CRASH_TOPIC;
if (!topic) throw new Error("CRASH_TOPIC is not set");
const environment = {
  ...process.env,
  MESH_BROKER: "kafka",
  DATABASE_DRIVER: "postgres",
  LOG_LEVEL: "error",
};
const config = loadConfig(environment);
const host = await startEmbeddedHost({
  functions: [crashEffects, deadLetter],
  environment,
  kv: createMemoryKv(),
  logger: silentLogger,
  // these flows use no memory, so the server needs no pgvector
  migrations: withoutVector(loadMigrations()),
  sweepEveryMs: 200,
  createBroker: kafkaBrokerFactory(config, {
    topic,
    consumerGroup: (_namespace, trigger) => `${topic}-${trigger}`,
    // a crashed member leaves the group after 3 s instead of kafkajs's 30 s
    consumer: { sessionTimeout: 3000, heartbeatInterval: 300, rebalanceTimeout: 3000, maxWaitTimeInMs: 50 },
  }),
});
process.stdout.write("ready\n");
process.once("SIGTERM", () => {
  void host.stop().then(() => process.exit(0));
});
