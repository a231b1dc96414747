import type { PlatformConfig } from "@mesh-six/shared/config/env";
import { ConfigError } from "@mesh-six/shared/errors";
import type { BrokerFactorySettings } from "@mesh-six/shared/host/embedded";
import { createKafkaBroker, type KafkaBroker, type KafkaBrokerSettings } from "./kafka-broker.ts";

/** Settings of the kafka broker beyond what the host passes (topic, consumer group names, kafkajs). */
export type KafkaHostOptions = Partial<Omit<KafkaBrokerSettings, keyof BrokerFactorySettings>>;

/**
 * The broker for `startEmbeddedHost({ createBroker })`: the kafka broker on KAFKA_BROKERS
 * when MESH_BROKER=kafka, undefined (the host's own broker) otherwise. Throws a
 * ConfigError naming KAFKA_BROKERS when it is missing or malformed.
 */
export function kafkaBrokerFactory(
  config: Pick<PlatformConfig, "MESH_BROKER" | "KAFKA_BROKERS">,
  options: KafkaHostOptions = {},
): ((settings: BrokerFactorySettings) => KafkaBroker) | undefined {
  if (config.MESH_BROKER !== "kafka") return undefined;
  const brokers = parseKafkaBrokers(config.KAFKA_BROKERS);
  return (settings) => createKafkaBroker({ ...settings, ...options, brokers });
}

/** `host:port,host:port` → the bootstrap servers; throws naming KAFKA_BROKERS. */
export function parseKafkaBrokers(value: string | undefined): string[] {
  if (value === undefined || value.trim() === "") {
    throw new ConfigError(
      "KAFKA_BROKERS",
      "MESH_BROKER=kafka needs the Kafka bootstrap servers; set KAFKA_BROKERS=host:port[,host:port…]",
    );
  }
  const servers = value.split(",").map((server) => server.trim());
  const wrong = servers.filter(
    (server) => !/^[^\s:/]+:\d{1,5}$/.test(server) || Number(server.split(":")[1]) > 65_535,
  );
  if (wrong.length > 0) {
    throw new ConfigError(
      "KAFKA_BROKERS",
      `${wrong.map((server) => JSON.stringify(server)).join(", ")} is not host:port; give a comma-separated list like kafka-0:9092,kafka-1:9092`,
    );
  }
  return servers;
}
