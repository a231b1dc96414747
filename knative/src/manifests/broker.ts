import { kafkaBrokerConfigMap, kafkaBrokerConfigReference } from "@mesh-six/kafka/config";
import { deadLetterFunction } from "@mesh-six/shared/broker/triggers";
import { type DeploymentSettings, partOf, type Resource, serviceRef } from "./settings.ts";

export const brokerClassAnnotation = "eventing.knative.dev/broker.class";

/**
 * The namespace, labelled so the SinkBinding webhook injects K_SINK even when it runs in
 * inclusion mode.
 */
export function namespace(settings: DeploymentSettings): Resource {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: settings.namespace, labels: { ...partOf, "bindings.knative.dev/include": "true" } },
  };
}

/**
 * The Kafka-class Broker with its `kafka-broker-config` (from kafka/src/config.ts) and a
 * broker-wide dead-letter sink: the dead-letter function, which stores every event
 * Knative would otherwise drop.
 */
export function broker(settings: DeploymentSettings): Resource[] {
  return [
    { ...kafkaBrokerConfigMap({ namespace: settings.namespace }) },
    {
      apiVersion: "eventing.knative.dev/v1",
      kind: "Broker",
      metadata: {
        name: settings.broker,
        namespace: settings.namespace,
        labels: { ...partOf },
        annotations: { [brokerClassAnnotation]: "Kafka" },
      },
      spec: {
        config: kafkaBrokerConfigReference(settings.namespace),
        delivery: {
          deadLetterSink: serviceRef(deadLetterFunction),
          retry: 5,
          backoffPolicy: "exponential",
          backoffDelay: "PT0.5S",
        },
      },
    },
  ];
}
