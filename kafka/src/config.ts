/**
 * The Kafka settings the deployment and the kafka host share: the `kafka-broker-config`
 * ConfigMap the Knative Kafka broker reads (referenced by the Broker's `spec.config`) and
 * the topic settings behind it. Plain data: the manifest generator imports it.
 */

/** How a Broker's topic (`knative-broker-<namespace>-<broker>`) is created. */
export interface TopicSettings {
  /** Partitions: how many events a Trigger can have in flight in order (one per partition). */
  readonly partitions: number;
  /** Copies of each record; at most the number of Kafka brokers. */
  readonly replicationFactor: number;
  /** Kafka topic configuration (`retention.ms`, `min.insync.replicas`, …). */
  readonly config: Readonly<Record<string, string>>;
}

/** The topic settings mesh-six deploys with. */
export const topicSettings: TopicSettings = {
  partitions: 10,
  replicationFactor: 3,
  config: {
    // a week: time to replay a Trigger from an older offset after an incident
    "retention.ms": String(7 * 24 * 60 * 60 * 1000),
    // with acks=all, a write survives the loss of one replica
    "min.insync.replicas": "2",
  },
};

/** The Kafka bootstrap servers in the cluster (Strimzi's `<cluster>-kafka-bootstrap` Service). */
export const bootstrapServers = "mesh-six-kafka-bootstrap.kafka:9092";

export const kafkaBrokerConfigName = "kafka-broker-config";

export interface KafkaBrokerConfigMapOptions {
  /** Where the ConfigMap lives (the Broker references it by namespace and name). */
  readonly namespace?: string;
  readonly bootstrapServers?: string;
  readonly topic?: TopicSettings;
}

export interface ConfigMap {
  readonly apiVersion: "v1";
  readonly kind: "ConfigMap";
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
  };
  readonly data: Readonly<Record<string, string>>;
}

/** The `kafka-broker-config` ConfigMap as the Knative Kafka broker's control plane expects it. */
export function kafkaBrokerConfigMap(options: KafkaBrokerConfigMapOptions = {}): ConfigMap {
  const topic = options.topic ?? topicSettings;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: kafkaBrokerConfigName,
      namespace: options.namespace ?? "knative-eventing",
      labels: { "app.kubernetes.io/part-of": "mesh-six" },
    },
    data: {
      "default.topic.partitions": String(topic.partitions),
      "default.topic.replication.factor": String(topic.replicationFactor),
      "bootstrap.servers": options.bootstrapServers ?? bootstrapServers,
    },
  };
}

/** The Broker's `spec.config` reference to that ConfigMap. */
export function kafkaBrokerConfigReference(namespace = "knative-eventing") {
  return { apiVersion: "v1", kind: "ConfigMap", name: kafkaBrokerConfigName, namespace } as const;
}
