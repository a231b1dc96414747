import { randomUUID } from "node:crypto";
import type { MeshEvent } from "@mesh-six/events";
import { listDeadLetters } from "@mesh-six/shared/broker/dead-letters";
import { systemClock } from "@mesh-six/shared/clock";
import { withoutVector } from "@mesh-six/shared/db/missing-vector";
import { createPostgresDb } from "@mesh-six/shared/db/postgres";
import { silentLogger } from "@mesh-six/shared/log/logger";
import type { Db } from "@mesh-six/shared/ports/db";
import { loadMigrations, migrate } from "@mesh-six/sql";
import { createServiceDatabase, type ServiceDatabase, serviceEnv, until } from "@mesh-six/testing/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafkaBroker, type KafkaBroker } from "./kafka-broker.ts";
import { type ConsumerProcess, startConsumerProcess } from "./testing/consumer-process.ts";
import { effectsTable, stepType } from "./testing/crash-effects.ts";

const keys = ["k0", "k1", "k2", "k3", ""];
const total = 240;
const poisoned = 50;

interface Effect {
  event_id: string;
  key: string;
  seq: number;
  consumer: string;
}

/**
 * Two consumer processes share each Trigger's consumer group; one is killed mid-stream
 * (SIGKILL: no drain, no commit, no leaving) and started again while events keep coming.
 * Real processes and real time; nothing is timed: the test waits for outcomes.
 */
describe("kafka broker: a consumer crashes mid-stream", () => {
  const topic = `crash-${randomUUID()}`;
  let database: ServiceDatabase;
  let db: Db;
  let publisher: KafkaBroker;
  const consumers: ConsumerProcess[] = [];

  beforeAll(async () => {
    database = await createServiceDatabase(serviceEnv("MESH_TEST_POSTGRES_URL"), "kafka_crash");
    db = createPostgresDb({ url: database.url });
    // these flows use no memory, so the server needs no pgvector
    await migrate(db, withoutVector(loadMigrations()));
    await db.query(effectsTable);
    publisher = createKafkaBroker({
      brokers: serviceEnv("MESH_TEST_KAFKA_BROKERS").split(","),
      namespace: "mesh-six",
      name: "default",
      topic,
      triggers: [],
      resolve: () => {
        throw new Error("the publisher delivers nothing");
      },
      clock: systemClock,
      logger: silentLogger,
      db,
    });
  });

  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.kill()));
    await publisher?.stop();
    await db?.close();
    await database?.drop();
  });

  const start = async (name: string) => {
    const consumer = await startConsumerProcess(name, {
      DATABASE_URL: database.url,
      KAFKA_BROKERS: serviceEnv("MESH_TEST_KAFKA_BROKERS"),
      CRASH_TOPIC: topic,
    });
    consumers.push(consumer);
    return consumer;
  };

  const effects = async () =>
    (await db.query<Effect>("SELECT event_id, key, seq, consumer FROM crash_effects ORDER BY id")).rows;

  it("delivers every accepted event, each effect once, in order per key, with the poison event dead-lettered", {
    timeout: 240_000,
  }, async () => {
    const started = await Promise.all([start("A"), start("B")]);
    const accepted: string[] = [];
    const sequence = new Map<string, number>();
    const publish = async (n: number) => {
      const key = keys[n % keys.length]!;
      const seq = sequence.get(key) ?? 0;
      sequence.set(key, seq + 1);
      const event: MeshEvent = {
        specversion: "1.0",
        id: `step-${n}`,
        source: "/crash-test",
        type: stepType,
        datacontenttype: "application/json",
        data: { key, seq, ...(n === poisoned ? { poison: true } : {}) },
        ...(key ? { partitionkey: key } : {}),
      };
      await publisher.publish(event);
      accepted.push(event.id);
      // pace the stream so the crash and the restart happen while events flow
      await new Promise((resolve) => setTimeout(resolve, 10));
    };

    let n = 0;
    for (; n < 80; n++) await publish(n);
    // the consumer that took effects first is the one crashed (which member the group
    // gives which partitions first is the group's choice, not the test's)
    await until("a consumer took effects", async () => (await effects()).length > 0);
    const firstEffect = (await effects())[0]!;
    const victim = started.find((consumer) => consumer.name === firstEffect.consumer)!;
    const survivor = started.find((consumer) => consumer !== victim)!;
    await victim.kill();
    for (; n < 160; n++) await publish(n);
    await start(`${victim.name}2`);
    for (; n < total; n++) await publish(n);

    const wanted = accepted.filter((id) => id !== `step-${poisoned}`);
    await until(
      "every accepted event took effect",
      async () => new Set((await effects()).map((effect) => effect.event_id)).size === wanted.length,
    );
    await until("the poison event was dead-lettered", async () => (await listDeadLetters(db)).length > 0);

    const done = await effects();
    // at least once: every accepted event took effect; de-duplicated: each exactly once
    expect(done.map((effect) => effect.event_id).sort()).toEqual([...wanted].sort());
    // per key (and so per partition for each key) the effects happened in publish order
    for (const key of keys) {
      const seqs = done.filter((effect) => effect.key === key).map((effect) => effect.seq);
      expect(seqs, `key "${key}"`).toEqual([...seqs].sort((a, b) => a - b));
    }
    // the crash happened mid-stream: the crashed consumer took effects before it, the others after
    const byConsumer = Object.groupBy(done, (effect) => effect.consumer);
    expect(byConsumer[victim.name]?.length).toBeGreaterThan(0);
    expect(
      (byConsumer[survivor.name]?.length ?? 0) + (byConsumer[`${victim.name}2`]?.length ?? 0),
    ).toBeGreaterThan(0);
    // the poison event: retried twice, then stored; the events behind it on its key flowed
    const [deadLetter, ...others] = await listDeadLetters(db);
    expect(others).toEqual([]);
    expect(deadLetter).toMatchObject({ trigger: "crash-effects-steps", errorCode: 503, attempts: 3 });
    expect(deadLetter?.event.id).toBe(`step-${poisoned}`);
    const poisonKey = keys[poisoned % keys.length]!;
    const poisonSeq = Math.floor(poisoned / keys.length);
    expect(
      done.filter((effect) => effect.key === poisonKey && effect.seq > poisonSeq).length,
    ).toBeGreaterThan(0);
  });
});
