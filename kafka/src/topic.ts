import { errorMessage } from "@mesh-six/shared/errors";
import type { Logger } from "@mesh-six/shared/ports/logger";
import type { Admin } from "kafkajs";
import type { TopicSettings } from "./config.ts";

/**
 * Creates the Broker's topic when it does not exist, fitting the replication factor to
 * the cluster (a single local broker cannot hold three copies). A cluster that refuses
 * to create topics (or cannot, like librdkafka's mock cluster) gets it auto-created on
 * first use instead; a cluster that does neither is an error naming the topic.
 */
export async function ensureTopic(
  admin: Admin,
  topic: string,
  settings: TopicSettings,
  logger: Logger,
): Promise<void> {
  const { brokers } = await admin.describeCluster();
  const replicationFactor = Math.max(1, Math.min(settings.replicationFactor, brokers.length));
  const minInsync = Number(settings.config["min.insync.replicas"] ?? 1);
  const config = {
    ...settings.config,
    "min.insync.replicas": String(Math.min(minInsync, replicationFactor)),
  };
  try {
    const created = await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: settings.partitions,
          replicationFactor,
          configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
        },
      ],
      waitForLeaders: true,
    });
    if (created)
      logger.info("created the broker topic", { topic, partitions: settings.partitions, replicationFactor });
  } catch (error) {
    logger.info("could not create the broker topic; relying on the cluster creating it on first use", {
      topic,
      error: errorMessage(error),
    });
  }
  try {
    await admin.fetchTopicMetadata({ topics: [topic] });
  } catch (error) {
    throw new Error(
      `the Kafka topic ${topic} does not exist and could not be created (${errorMessage(error)}); create it with ${settings.partitions} partitions or allow topic creation`,
    );
  }
}
