export { type ConfigMap, kafkaBrokerConfigMap, type TopicSettings, topicSettings } from "./config.ts";
export type { DeliveryResult } from "./delivery.ts";
export { type KafkaHostOptions, kafkaBrokerFactory, parseKafkaBrokers } from "./host.ts";
export {
  createKafkaBroker,
  type KafkaBroker,
  type KafkaBrokerActivity,
  type KafkaBrokerSettings,
} from "./kafka-broker.ts";
export { brokerTopic, triggerConsumerGroup } from "./names.ts";
export { eventToRecord, recordToEvent } from "./record-binding.ts";
