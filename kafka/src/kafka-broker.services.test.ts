import { randomUUID } from "node:crypto";
import { brokerContract, type CreateBrokerHarness } from "@mesh-six/shared/broker/contract";
import { listDeadLetters, replayDeadLetter } from "@mesh-six/shared/broker/dead-letters";
import { createIngress } from "@mesh-six/shared/broker/ingress";
import { createSteppingClock } from "@mesh-six/shared/broker/stepping-clock";
import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import { readMeshEvents } from "@mesh-six/shared/log/event-log";
import { silentLogger } from "@mesh-six/shared/log/logger";
import type { Db } from "@mesh-six/shared/ports/db";
import { migrate } from "@mesh-six/sql";
import { serviceEnv } from "@mesh-six/testing/services";
import { afterAll, beforeAll } from "vitest";
import { createKafkaBroker } from "./kafka-broker.ts";
import { waitUntilKafkaIdle } from "./kafka-idle.ts";

let db: Db;
beforeAll(async () => {
  db = await createPgliteDb();
  await migrate(db);
});
afterAll(() => db.close());

/** A kafka broker on the mock cluster, with a topic of its own so tests do not see each other's events. */
const kafkaHarness: CreateBrokerHarness = async (setup) => {
  const clock = createSteppingClock();
  const topic = `contract-${randomUUID()}`;
  const broker = createKafkaBroker({
    brokers: serviceEnv("MESH_TEST_KAFKA_BROKERS").split(","),
    namespace: setup.namespace,
    name: setup.broker,
    topic,
    consumerGroup: (_namespace, trigger) => `${topic}-${trigger}`,
    triggers: setup.triggers,
    resolve: setup.resolve,
    clock,
    logger: silentLogger,
    db,
    // the mock cluster answers an empty fetch only when its wait ends: keep it short
    consumer: { maxWaitTimeInMs: 50 },
  });
  const ingress = createIngress({
    resolveBroker: (namespace, name) =>
      namespace === setup.namespace && name === setup.broker ? broker : undefined,
    logger: silentLogger,
  });
  await broker.start();
  const settle = () => waitUntilKafkaIdle(broker, setup.parkedSubscribers);
  return {
    ingress,
    clock,
    advance: (ms) => clock.advance(ms, settle),
    idle: settle,
    listDeadLetters: (options) => listDeadLetters(db, options),
    eventLog: () => readMeshEvents(db, { kind: "event.accepted", limit: 1000 }),
    extensionsAsStrings: true,
    replayDeadLetter: (id) => replayDeadLetter(db, id, broker.publish),
    close: async () => {
      await broker.stop();
      await db.exec("TRUNCATE dead_letters, mesh_events RESTART IDENTITY");
    },
  };
};

brokerContract("kafka (librdkafka mock cluster)", kafkaHarness);
