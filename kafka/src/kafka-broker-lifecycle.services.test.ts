import { randomUUID } from "node:crypto";
import type { MeshEvent } from "@mesh-six/events";
import { createSteppingClock } from "@mesh-six/shared/broker/stepping-clock";
import type { SubscriberResponse } from "@mesh-six/shared/broker/types";
import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import type { Trigger } from "@mesh-six/shared/function/knative-types";
import { silentLogger } from "@mesh-six/shared/log/logger";
import type { Db } from "@mesh-six/shared/ports/db";
import { migrate } from "@mesh-six/sql";
import { serviceEnv, until } from "@mesh-six/testing/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafkaBroker, type KafkaBroker } from "./kafka-broker.ts";
import { waitUntilKafkaIdle } from "./kafka-idle.ts";

let db: Db;
beforeAll(async () => {
  db = await createPgliteDb();
  await migrate(db);
});
afterAll(() => db.close());

const trigger: Trigger = {
  apiVersion: "eventing.knative.dev/v1",
  kind: "Trigger",
  metadata: { name: "worker", namespace: "mesh-six" },
  spec: {
    broker: "default",
    subscriber: { uri: "http://worker.test/" },
    delivery: { retry: 3, backoffDelay: "PT10S" },
  },
};

function event(id: string): MeshEvent {
  return { specversion: "1.0", id, source: "/lifecycle", type: "dev.meshsix.test.sent" };
}

/** Brokers on one topic and one consumer group, one after another, as restarts of a host. */
function brokers(answer: (event: MeshEvent, call: number) => Promise<SubscriberResponse>) {
  const topic = `lifecycle-${randomUUID()}`;
  const clock = createSteppingClock();
  const calls: string[] = [];
  const create = (): KafkaBroker =>
    createKafkaBroker({
      brokers: serviceEnv("MESH_TEST_KAFKA_BROKERS").split(","),
      namespace: "mesh-six",
      name: "default",
      topic,
      consumerGroup: (_namespace, name) => `${topic}-${name}`,
      triggers: [trigger],
      resolve: () => async (delivered) => {
        calls.push(delivered.id);
        return answer(delivered, calls.filter((id) => id === delivered.id).length);
      },
      clock,
      logger: silentLogger,
      db,
      // the mock cluster holds a group that a member left for the session timeout less 1 s
      consumer: { sessionTimeout: 3000, heartbeatInterval: 300, rebalanceTimeout: 3000, maxWaitTimeInMs: 50 },
    });
  return { create, calls, clock };
}

describe("kafka broker: stop and start", () => {
  it("lets running deliveries finish at stop and commits them, so a restart does not repeat them", async () => {
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let quickDone: () => void = () => {};
    const quickDelivered = new Promise<void>((resolve) => {
      quickDone = resolve;
    });
    const world = brokers(async (delivered) => {
      if (delivered.id === "slow") await gate;
      else quickDone();
      return { status: 200 };
    });
    const first = world.create();
    await first.start();
    await first.publish(event("slow"));
    await first.publish(event("quick"));
    // "quick" is done, but its offset waits for "slow", which is still running
    await quickDelivered;
    let stopped = false;
    const stopping = first.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    open();
    await stopping;
    expect(world.calls.sort()).toEqual(["quick", "slow"]);

    const second = world.create();
    await second.start();
    await second.publish(event("after"));
    await waitUntilKafkaIdle(second);
    await second.stop();
    expect(world.calls.sort()).toEqual(["after", "quick", "slow"]);
  });

  it("leaves an event waiting for a retry uncommitted at stop; the next start delivers it again", async () => {
    const world = brokers(async (_delivered, call) => ({ status: call === 1 ? 503 : 200 }));
    const first = world.create();
    await first.start();
    await first.publish(event("flaky"));
    await waitUntilKafkaIdle(first);
    expect(first.activity().sleeping).toBe(1);
    // stops without moving the clock: the retry wait ends, the event stays uncommitted
    await first.stop();
    expect(world.calls).toEqual(["flaky"]);

    const second = world.create();
    await second.start();
    await until("the event was delivered again", () => world.calls.length === 2);
    await waitUntilKafkaIdle(second);
    await second.stop();
    expect(world.calls).toEqual(["flaky", "flaky"]);
  });

  it("gives up on a dead letter Postgres refuses for good, so the event is done and its offset commits", async () => {
    await db.exec(
      "ALTER TABLE dead_letters ADD CONSTRAINT refuse_unstorable CHECK (event ->> 'id' <> 'unstorable')",
    );
    try {
      const world = brokers(async () => ({ status: 400 }));
      const first = world.create();
      await first.start();
      await first.publish(event("unstorable"));
      await waitUntilKafkaIdle(first);
      // not waiting to store it again: nothing sleeps, nothing runs
      expect(first.activity()).toMatchObject({ running: 0, sleeping: 0 });
      await first.stop();
      // committed: a restart does not deliver it again
      const second = world.create();
      await second.start();
      await second.publish(event("after"));
      await until("the next event was delivered", () => world.calls.includes("after"));
      await waitUntilKafkaIdle(second);
      await second.stop();
      expect(world.calls).toEqual(["unstorable", "after"]);
    } finally {
      await db.exec("ALTER TABLE dead_letters DROP CONSTRAINT refuse_unstorable");
    }
  });
});
