/**
 * End-to-end throughput and latency through the kafka broker on librdkafka's mock
 * cluster (3 brokers, started here), next to raw kafkajs produce→consume on the same
 * cluster in the same run:
 * - raw: a kafkajs producer (acks=all) and one consumer group (eachMessage, auto-commit);
 * - kafkaBroker: `publish` (binary-mode record, acks=all, the accepted event written to the
 *   event log) → the Trigger's consumer group → filter → an in-process subscriber, offsets
 *   committed once delivered;
 * - kafkaHost: HTTP ingress → the kafka broker → the function runtime (inbox and outbox on
 *   in-memory PGlite) → the handler, as `npm start` with MESH_BROKER=kafka runs it.
 * Each runs a loaded phase (many publishes in flight: events/s, and latency with a
 * backlog) and one event at a time (each published once the previous one arrived:
 * latency without a backlog).
 * Latency is from just before the publish to the subscriber or handler receiving it.
 */

import { randomUUID } from "node:crypto";
import { defineEvent, type MeshEvent } from "@mesh-six/events";
import { createKafkaBroker, eventToRecord, kafkaBrokerFactory } from "@mesh-six/kafka";
import { handlerView } from "@mesh-six/shared/broker/event-data";
import { systemClock } from "@mesh-six/shared/clock";
import { loadConfig } from "@mesh-six/shared/config/env";
import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import { defineFunction } from "@mesh-six/shared/function/define";
import { startEmbeddedHost } from "@mesh-six/shared/host/embedded";
import { serveHost } from "@mesh-six/shared/host/serve";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import { silentLogger } from "@mesh-six/shared/log/logger";
import { migrate } from "@mesh-six/sql";
import { Kafka, logLevel } from "kafkajs";
import { z } from "zod";
import { startMockKafkaCluster } from "../services/kafka.ts";
import { percentile, round, writeResult } from "./support/stats.ts";

interface Load {
  readonly events: number;
  /** Publishes in flight at once. */
  readonly concurrency: number;
  /** Publish the next event only once the previous one was received. */
  readonly oneAtATime?: boolean;
}

const loads = {
  loaded: {
    events: Number(process.env.BENCH_EVENTS ?? 2000),
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? 16),
  },
  oneAtATime: { events: 300, concurrency: 1, oneAtATime: true },
} satisfies Record<string, Load>;
type LoadName = keyof typeof loads;

const keys = 8;
/**
 * Fetch long-poll wait, the same for every consumer here. The mock cluster answers a
 * fetch with no data only when this wait ends (a real broker answers as soon as data
 * arrives), so a latency below can include up to this much of it.
 */
const maxWaitTimeInMs = 20;

const Ping = defineEvent("dev.meshsix.bench.pinged", {
  description: "benchmark event",
  fromOutside: true,
  schema: z.object({ sentAt: z.number(), load: z.string(), n: z.number() }),
});

const now = () => performance.timeOrigin + performance.now();

interface Phase {
  readonly name: LoadName;
  readonly received: Set<number>;
  readonly latencies: number[];
  done(): void;
  /** Called when an event arrives (one at a time: the next may go). */
  arrived?: () => void;
}

interface Sink {
  load?: Phase;
}

function record(sink: Sink, data: { sentAt: number; load: string; n: number }): void {
  const load = sink.load;
  if (!load || load.name !== data.load || load.received.has(data.n)) return;
  load.received.add(data.n);
  load.latencies.push(now() - data.sentAt);
  load.arrived?.();
  if (load.received.size === loads[load.name].events) load.done();
}

function ping(load: LoadName, n: number): MeshEvent {
  return {
    specversion: "1.0",
    id: `bench-${load}-${n}`,
    source: "/bench",
    type: Ping.type,
    datacontenttype: "application/json",
    partitionkey: `key-${n % keys}`,
    data: { sentAt: now(), load, n },
  };
}

type Figures = Awaited<ReturnType<typeof drive>>;

/** Sends a load's events with its concurrency; resolves with the figures once the sink has them all. */
async function drive(sink: Sink, name: LoadName, send: (event: MeshEvent) => Promise<void>) {
  const load = loads[name];
  const latencies: number[] = [];
  const finished = new Promise<void>((done) => {
    const phase: Phase = { name, received: new Set(), latencies, done };
    sink.load = phase;
  });
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < load.events) {
      const current = sink.load!;
      const arrived = new Promise<void>((resolve) => {
        current.arrived = resolve;
      });
      await send(ping(name, next++));
      if ("oneAtATime" in load && load.oneAtATime) await arrived;
    }
  };
  await Promise.all(Array.from({ length: load.concurrency }, worker));
  await finished;
  const seconds = (performance.now() - started) / 1000;
  return {
    eventsPerSecond: round(load.events / seconds, 1),
    latencyMs: { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)) },
  };
}

/** Both loads, one after the other, on one set-up. */
async function measure(sink: Sink, send: (event: MeshEvent) => Promise<void>) {
  return {
    loaded: await drive(sink, "loaded", send),
    oneAtATime: await drive(sink, "oneAtATime", send),
  };
}

async function raw(brokers: readonly string[]) {
  const sink: Sink = {};
  const topic = `bench-raw-${randomUUID()}`;
  const kafka = new Kafka({ brokers: [...brokers], clientId: "bench-raw", logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  const consumer = kafka.consumer({ groupId: `${topic}-group`, maxWaitTimeInMs });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const parsed = Ping.schema.safeParse(JSON.parse(message.value?.toString("utf8") ?? "null"));
      if (parsed.success) record(sink, parsed.data);
    },
  });
  try {
    return await measure(sink, async (event) => {
      await producer.send({ topic, acks: -1, messages: [eventToRecord(event)] });
    });
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
}

async function broker(brokers: readonly string[]) {
  const sink: Sink = {};
  const topic = `bench-broker-${randomUUID()}`;
  const db = await createPgliteDb();
  await migrate(db);
  const kafkaBroker = createKafkaBroker({
    brokers,
    namespace: "mesh-six",
    name: "default",
    topic,
    consumerGroup: (_namespace, trigger) => `${topic}-${trigger}`,
    triggers: [
      {
        apiVersion: "eventing.knative.dev/v1",
        kind: "Trigger",
        metadata: { name: "bench-receiver", namespace: "mesh-six" },
        spec: {
          broker: "default",
          filter: { attributes: { type: Ping.type } },
          subscriber: { uri: "http://bench.test/" },
        },
      },
    ],
    // a plain subscriber gets the data as bytes; parsed as a handler would get it
    resolve: () => async (event) => {
      const parsed = Ping.parse(handlerView(event));
      if (parsed.ok) record(sink, parsed.data);
      return { status: 202 };
    },
    clock: systemClock,
    logger: silentLogger,
    db,
    consumer: { maxWaitTimeInMs },
  });
  await kafkaBroker.start();
  try {
    return await measure(sink, (event) => kafkaBroker.publish(event));
  } finally {
    await kafkaBroker.stop();
    await db.close();
  }
}

async function host(brokers: readonly string[]) {
  const sink: Sink = {};
  const topic = `bench-host-${randomUUID()}`;
  const receiver = defineFunction({
    name: "bench-receiver",
    description: "records when each event arrives",
    subscriptions: [{ name: "pings", attributes: { type: Ping.type } }],
    async handler(event) {
      const parsed = Ping.parse(event);
      if (parsed.ok) record(sink, parsed.data);
    },
  });
  const environment = {
    MESH_BROKER: "kafka",
    KAFKA_BROKERS: brokers.join(","),
    LOG_LEVEL: "error",
    RATE_LIMIT_PER_MINUTE: "0",
  };
  const config = loadConfig(environment);
  const running = await startEmbeddedHost({
    functions: [receiver],
    environment,
    db: await createPgliteDb(),
    kv: createMemoryKv(),
    logger: silentLogger,
    createBroker: kafkaBrokerFactory(config, {
      topic,
      consumerGroup: (_namespace, trigger) => `${topic}-${trigger}`,
      consumer: { maxWaitTimeInMs },
    }),
    outsideEventTypes: [Ping.type],
  });
  const server = await serveHost(running, 0, "127.0.0.1");
  const url = `http://127.0.0.1:${server.port}/mesh-six/default`;
  try {
    return await measure(sink, async (event) => {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "ce-specversion": "1.0",
          "ce-id": event.id,
          "ce-source": event.source,
          "ce-type": event.type,
          "ce-partitionkey": String(event.partitionkey),
        },
        body: JSON.stringify(event.data),
      });
      if (response.status !== 202) throw new Error(`ingress answered ${response.status}`);
      await response.arrayBuffer();
    });
  } finally {
    await server.close();
    await running.stop();
  }
}

function ratios(figures: Record<LoadName, Figures>, baseline: Record<LoadName, Figures>) {
  return {
    throughput: round(figures.loaded.eventsPerSecond / baseline.loaded.eventsPerSecond),
    loadedP50Latency: round(figures.loaded.latencyMs.p50 / baseline.loaded.latencyMs.p50, 1),
    loadedP99Latency: round(figures.loaded.latencyMs.p99 / baseline.loaded.latencyMs.p99, 1),
    oneAtATimeP50Latency: round(figures.oneAtATime.latencyMs.p50 / baseline.oneAtATime.latencyMs.p50, 1),
    oneAtATimeP99Latency: round(figures.oneAtATime.latencyMs.p99 / baseline.oneAtATime.latencyMs.p99, 1),
  };
}

const cluster = await startMockKafkaCluster({ brokers: 3 });
try {
  const rawFigures = await raw(cluster.brokers);
  const brokerFigures = await broker(cluster.brokers);
  const hostFigures = await host(cluster.brokers);
  writeResult("kafka", {
    description:
      "publish → subscriber through the kafka broker, and ingress → handler through the kafka host, vs raw kafkajs produce (acks=all) → consume, on one librdkafka mock cluster (3 brokers, 4 partitions per topic)",
    loads,
    partitionKeys: keys,
    fetchMaxWaitMs: maxWaitTimeInMs,
    raw: rawFigures,
    kafkaBroker: brokerFigures,
    kafkaHost: hostFigures,
    ratio: { kafkaBroker: ratios(brokerFigures, rawFigures), kafkaHost: ratios(hostFigures, rawFigures) },
  });
} finally {
  await cluster.stop();
}
