import type { FunctionDefinition, Subscription } from "../function/define.ts";
import { type Destination, deliveryOrderAnnotation, type Trigger } from "../function/knative-types.ts";

/** The function every Trigger's dead letters go to when its delivery names no sink. */
export const deadLetterFunction = "dead-letter";

export interface TriggerPlacement {
  readonly namespace: string;
  readonly broker: string;
}

/**
 * One Trigger per subscription of a function, the same ones deployed to Knative:
 * `<function>-<subscription>`, delivering to the function's Knative Service, with the
 * subscription's delivery policy (else the function's) and a dead-letter sink (the
 * `dead-letter` Service unless one is given), ordered when the subscription says so.
 */
export function triggersFor(definition: FunctionDefinition, placement: TriggerPlacement): Trigger[] {
  return (definition.subscriptions ?? []).map((subscription) =>
    triggerFor(definition, subscription, placement),
  );
}

function triggerFor(
  definition: FunctionDefinition,
  subscription: Subscription,
  placement: TriggerPlacement,
): Trigger {
  const delivery = subscription.delivery ?? definition.delivery;
  const deadLetterSink =
    delivery?.deadLetterSink ??
    (definition.name === deadLetterFunction ? undefined : serviceRef(deadLetterFunction));
  const completeDelivery = deadLetterSink ? { ...delivery, deadLetterSink } : delivery;
  return {
    apiVersion: "eventing.knative.dev/v1",
    kind: "Trigger",
    metadata: {
      name: `${definition.name}-${subscription.name}`,
      namespace: placement.namespace,
      labels: { "app.kubernetes.io/part-of": "mesh-six", "mesh-six.dev/function": definition.name },
      ...(subscription.order ? { annotations: { [deliveryOrderAnnotation]: subscription.order } } : {}),
    },
    spec: {
      broker: placement.broker,
      ...(subscription.attributes ? { filter: { attributes: subscription.attributes } } : {}),
      ...(subscription.filters ? { filters: subscription.filters } : {}),
      subscriber: serviceRef(definition.name),
      ...(completeDelivery ? { delivery: completeDelivery } : {}),
    },
  };
}

function serviceRef(name: string): Destination {
  return { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name } };
}

/**
 * The address a Destination resolves to in the cluster, used as `knativeerrordest`: a
 * Knative Service is `http://<name>.<namespace>.svc.cluster.local`, other references
 * `<kind>/<namespace>/<name>`; a `uri` is taken as is (or as a path under the ref).
 */
export function destinationAddress(destination: Destination, namespace: string): string {
  const { ref, uri } = destination;
  if (!ref) return uri ?? "";
  const refNamespace = ref.namespace ?? namespace;
  const base =
    ref.kind === "Service"
      ? `http://${ref.name}.${refNamespace}.svc.cluster.local`
      : `${ref.kind}/${refNamespace}/${ref.name}`;
  if (!uri) return base;
  return `${base}${uri.startsWith("/") ? "" : "/"}${uri}`;
}
