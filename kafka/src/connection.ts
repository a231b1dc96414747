import { errorMessage } from "@mesh-six/shared/errors";
import type { Logger } from "@mesh-six/shared/ports/logger";
import { Kafka, type KafkaConfig, logLevel, type Producer } from "kafkajs";
import type { TopicSettings } from "./config.ts";
import { kafkaLogCreator } from "./kafka-logger.ts";
import { meshPartitioner } from "./partitioner.ts";
import { ensureTopic } from "./topic.ts";

export interface KafkaConnectionSettings {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly topicSettings: TopicSettings;
  readonly client?: Omit<KafkaConfig, "brokers" | "logCreator" | "logLevel"> | undefined;
  readonly logger: Logger;
}

/** A kafkajs client with its producer connected and the Broker's topic in place. */
export interface KafkaConnection {
  readonly kafka: Kafka;
  readonly producer: Producer;
  close(): Promise<void>;
}

export async function createKafkaConnection(settings: KafkaConnectionSettings): Promise<KafkaConnection> {
  const { brokers, topic, logger } = settings;
  const kafka = new Kafka({
    clientId: "mesh-six",
    ...settings.client,
    brokers: [...brokers],
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
  });
  const admin = kafka.admin({ retry: { retries: 1 } });
  try {
    await admin.connect();
    await ensureTopic(admin, topic, settings.topicSettings, logger);
  } catch (error) {
    throw new Error(`cannot reach Kafka at ${brokers.join(",")}: ${errorMessage(error)}`);
  } finally {
    await admin.disconnect().catch(() => {});
  }
  const producer = kafka.producer({ createPartitioner: meshPartitioner, allowAutoTopicCreation: true });
  await producer.connect();
  return {
    kafka,
    producer,
    close: () => producer.disconnect(),
  };
}
