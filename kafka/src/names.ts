/**
 * The Knative Kafka broker's names: one topic per Broker and one consumer group per
 * Trigger (the data plane's defaults for `broker.topic.template` and
 * `triggers.consumergroup.template`).
 */

/** `knative-broker-<namespace>-<broker>`: the topic that stores a Broker's events. */
export function brokerTopic(namespace: string, broker: string): string {
  return `knative-broker-${namespace}-${broker}`;
}

/** `knative-trigger-<namespace>-<trigger>`: the consumer group that delivers a Trigger's events. */
export function triggerConsumerGroup(namespace: string, trigger: string): string {
  return `knative-trigger-${namespace}-${trigger}`;
}
