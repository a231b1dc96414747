import type { MeshEvent } from "@mesh-six/events";
import { compileTriggers } from "@mesh-six/shared/broker/embedded-broker";
import { publishable } from "@mesh-six/shared/broker/event-json";
import type { Broker, Subscriber, SubscriberResolver } from "@mesh-six/shared/broker/types";
import { errorMessage, NonRetryableError } from "@mesh-six/shared/errors";
import { deliveryOrderAnnotation, type Trigger } from "@mesh-six/shared/function/knative-types";
import type { Clock } from "@mesh-six/shared/ports/clock";
import type { Db } from "@mesh-six/shared/ports/db";
import type { Logger } from "@mesh-six/shared/ports/logger";
import type { ConsumerConfig, KafkaConfig } from "kafkajs";
import { type TopicSettings, topicSettings } from "./config.ts";
import { createKafkaConnection, type KafkaConnection } from "./connection.ts";
import { type DeliveryActivity, deliverEvent } from "./delivery.ts";
import { logAccepted } from "./event-log.ts";
import { brokerTopic, triggerConsumerGroup } from "./names.ts";
import { eventToRecord } from "./record-binding.ts";
import { createTriggerConsumer, type TriggerConsumer } from "./trigger-consumer.ts";

export interface KafkaBrokerSettings {
  /** Bootstrap servers, `host:port`. */
  readonly brokers: readonly string[];
  readonly namespace: string;
  readonly name: string;
  readonly triggers: readonly Trigger[];
  readonly resolve: SubscriberResolver;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where dead letters are stored and accepted events logged. */
  readonly db: Db;
  /**
   * The topic, `knative-broker-<namespace>-<name>` by default; another name is like the
   * Kafka broker's `kafka.eventing.knative.dev/external.topic` (tests give each broker its own).
   */
  readonly topic?: string;
  /**
   * The consumer group of a Trigger, `knative-trigger-<namespace>-<trigger>` by default
   * (the Kafka broker's `triggers.consumergroup.template`).
   */
  readonly consumerGroup?: (namespace: string, trigger: string) => string;
  /** How the topic is created when it does not exist (kafka/config's `topicSettings` by default). */
  readonly topicSettings?: TopicSettings;
  /** Deliveries in flight per unordered Trigger (default 64); records waiting per partition of an ordered one. */
  readonly maxInFlight?: number;
  /** kafkajs client settings (client id, retries, timeouts). */
  readonly client?: Omit<KafkaConfig, "brokers" | "logCreator" | "logLevel">;
  /** kafkajs consumer settings (session timeout, heartbeat interval, …). */
  readonly consumer?: Omit<ConsumerConfig, "groupId">;
  /**
   * How often each Trigger commits the offsets of finished events (default 100 ms; at
   * once when stopping). A crash repeats at most this much, which de-duplication absorbs.
   */
  readonly commitIntervalMs?: number;
}

export interface KafkaBrokerActivity extends DeliveryActivity {
  /** Every record this broker produced was fetched by every Trigger's consumer. */
  readonly caughtUp: boolean;
  /** Deliveries running (calling, sleeping until a retry, or recording their outcome). */
  readonly running: number;
}

export interface KafkaBroker extends Broker {
  readonly topic: string;
  readonly triggers: readonly Trigger[];
  /** What the broker is doing, for tests that wait until nothing moves without the clock. */
  activity(): KafkaBrokerActivity;
}

/**
 * The Knative Kafka broker's data plane on kafkajs: `publish` produces the event in
 * binary mode to the Broker's topic (key from `partitionkey`, acks from all in-sync
 * replicas) and resolves once Kafka stored it; each Trigger is a consumer group that
 * filters, delivers with the Trigger's retries and backoff (by the injected clock),
 * stores dead letters in Postgres and publishes replies, committing an offset only once
 * its event is done. Throws when a Trigger is invalid.
 */
export function createKafkaBroker(settings: KafkaBrokerSettings): KafkaBroker {
  const { namespace, name, db, clock, resolve } = settings;
  const broker = `${namespace}/${name}`;
  const topic = settings.topic ?? brokerTopic(namespace, name);
  const logger = settings.logger.child({ broker, topic });
  const compiled = compileTriggers(settings.triggers, namespace, name);
  const maxInFlight = settings.maxInFlight ?? 64;
  const activity: DeliveryActivity = { calling: 0, sleeping: 0 };
  // the highest offset this broker produced, per partition
  const produced = new Map<number, bigint>();
  let connection: Promise<KafkaConnection> | undefined;
  let consumers: TriggerConsumer[] = [];

  const connect = () => {
    connection ??= createKafkaConnection({
      brokers: settings.brokers,
      topic,
      topicSettings: settings.topicSettings ?? topicSettings,
      client: settings.client,
      logger,
    }).catch((error: unknown) => {
      connection = undefined;
      throw error;
    });
    return connection;
  };

  const publish = async (event: MeshEvent) => {
    const normalized = publishable(event);
    const { producer } = await connect();
    const acknowledged = await producer
      .send({ topic, acks: -1, messages: [eventToRecord(normalized)] })
      .catch((error: unknown) => {
        throw refusedByKafka(error)
          ? new NonRetryableError(`Kafka refuses the event: ${errorMessage(error)}`)
          : error;
      });
    for (const { partition, baseOffset } of acknowledged) {
      const offset = BigInt(baseOffset ?? -1);
      if (offset > (produced.get(partition) ?? -1n)) produced.set(partition, offset);
    }
    await logAccepted(db, normalized, logger);
  };

  const subscriberOf = (trigger: Trigger, target: "subscriber" | "sink"): (() => Subscriber) => {
    let resolved: Subscriber | undefined;
    const sink = trigger.spec.delivery?.deadLetterSink;
    return () => {
      resolved ??=
        target === "subscriber" || !sink
          ? resolve(trigger)
          : resolve({ ...trigger, spec: { broker: trigger.spec.broker, subscriber: sink } });
      return resolved;
    };
  };

  const consumerFor = (
    trigger: Trigger,
    matches: (event: MeshEvent) => boolean,
    kafka: KafkaConnection["kafka"],
  ) => {
    const subscriber = subscriberOf(trigger, "subscriber");
    const deadLetterSink = trigger.spec.delivery?.deadLetterSink ? subscriberOf(trigger, "sink") : undefined;
    const triggerLogger = logger.child({ trigger: trigger.metadata.name });
    return createTriggerConsumer({
      kafka,
      topic,
      groupId: (settings.consumerGroup ?? triggerConsumerGroup)(namespace, trigger.metadata.name),
      ordered: trigger.metadata.annotations?.[deliveryOrderAnnotation] === "ordered",
      maxInFlight,
      matches,
      deliver: (event, signal) =>
        deliverEvent(event, {
          broker,
          trigger,
          subscriber,
          ...(deadLetterSink ? { deadLetterSink } : {}),
          publish,
          db,
          clock,
          logger: triggerLogger,
          signal,
          activity,
        }),
      logger: triggerLogger,
      ...(settings.consumer ? { consumer: settings.consumer } : {}),
      ...(settings.commitIntervalMs === undefined ? {} : { commitIntervalMs: settings.commitIntervalMs }),
    });
  };

  return {
    namespace,
    name,
    topic,
    triggers: [...compiled.values()].map((entry) => entry.trigger),
    publish,
    async start() {
      if (consumers.length > 0) return;
      const { kafka } = await connect();
      consumers = [...compiled.values()].map((entry) => consumerFor(entry.trigger, entry.matches, kafka));
      await Promise.all(consumers.map((consumer) => consumer.start()));
    },
    async stop() {
      const stopping = consumers;
      consumers = [];
      await Promise.all(stopping.map((consumer) => consumer.stop()));
      const open = connection;
      connection = undefined;
      await (await open?.catch(() => undefined))?.close();
    },
    activity() {
      const caughtUp = consumers.every((consumer) =>
        [...produced].every(([partition, offset]) => (consumer.fetched(partition) ?? -1n) >= offset),
      );
      const running = consumers.reduce((sum, consumer) => sum + consumer.running, 0);
      return { caughtUp, running, calling: activity.calling, sleeping: activity.sleeping };
    },
  };
}

/** Kafka's answers that the record itself can never be stored (too large, invalid), as opposed to a passing fault. */
const refusals = new Set(["MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE", "INVALID_RECORD", "CORRUPT_MESSAGE"]);

function refusedByKafka(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (refusals.has(String((current as { type?: unknown }).type))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
