import { deadLetterFunction } from "@mesh-six/shared/broker/triggers";
import type { Resource } from "../manifests/settings.ts";

interface Ref {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** Resolves `kind/namespace/name` references within the generated set. */
function index(resources: readonly Resource[]) {
  const keys = new Set(
    resources.map(
      (resource) => `${resource.kind}/${resource.metadata.namespace ?? ""}/${resource.metadata.name}`,
    ),
  );
  return (kind: string, namespace: string, name: string) => keys.has(`${kind}/${namespace}/${name}`);
}

/**
 * References that must resolve inside the deployment: every Trigger's broker, subscriber
 * and dead-letter sink; brokers' configs and sinks; PingSource and SinkBinding sinks and
 * subjects; EventPolicies' targets and senders; ServiceAccounts; every Service bound to
 * K_SINK; the dead-letter function present.
 */
export function referenceProblems(resources: readonly Resource[]): Map<Resource, string[]> {
  const exists = index(resources);
  const found = new Map<Resource, string[]>();
  const add = (resource: Resource, problem: string) =>
    found.set(resource, [...(found.get(resource) ?? []), problem]);
  const checkRef = (resource: Resource, path: string, destination: unknown) => {
    const ref = (destination as { ref?: Ref } | undefined)?.ref;
    if (!ref) return;
    const namespace = ref.namespace ?? resource.metadata.namespace ?? "";
    const expected: Record<string, string> = {
      Service: "serving.knative.dev/v1",
      Broker: "eventing.knative.dev/v1",
      ConfigMap: "v1",
      SinkBinding: "sources.knative.dev/v1",
      PingSource: "sources.knative.dev/v1",
    };
    if (ref.kind && expected[ref.kind] && ref.apiVersion !== expected[ref.kind]) {
      add(resource, `${path}: a ${ref.kind} is ${expected[ref.kind]}, not ${ref.apiVersion}`);
    }
    if (!exists(ref.kind ?? "", namespace, ref.name ?? "")) {
      add(resource, `${path}: ${ref.kind} ${namespace}/${ref.name} is not part of the deployment`);
    }
  };
  const boundServices = new Set<string>();
  for (const resource of resources) {
    const spec = (resource.spec ?? {}) as Record<string, unknown>;
    const namespace = resource.metadata.namespace ?? "";
    switch (resource.kind) {
      case "Trigger": {
        if (!exists("Broker", namespace, String(spec.broker))) {
          add(
            resource,
            `spec.broker: Broker ${namespace}/${String(spec.broker)} is not part of the deployment`,
          );
        }
        checkRef(resource, "spec.subscriber", spec.subscriber);
        const delivery = spec.delivery as { deadLetterSink?: unknown } | undefined;
        if (!delivery?.deadLetterSink)
          add(resource, "spec.delivery.deadLetterSink: missing; dead letters would be dropped");
        checkRef(resource, "spec.delivery.deadLetterSink", delivery?.deadLetterSink);
        break;
      }
      case "Broker":
        checkRef(resource, "spec.config", { ref: spec.config });
        checkRef(
          resource,
          "spec.delivery.deadLetterSink",
          (spec.delivery as { deadLetterSink?: unknown })?.deadLetterSink,
        );
        break;
      case "PingSource":
        checkRef(resource, "spec.sink", spec.sink);
        break;
      case "EventPolicy": {
        const policy = spec as { to?: { ref?: Ref }[]; from?: { ref?: Ref }[] };
        for (const [index, to] of (policy.to ?? []).entries()) checkRef(resource, `spec.to[${index}]`, to);
        for (const [index, from] of (policy.from ?? []).entries()) {
          checkRef(resource, `spec.from[${index}]`, from);
        }
        break;
      }
      case "SinkBinding": {
        checkRef(resource, "spec.sink", spec.sink);
        const subject = spec.subject as Ref | undefined;
        checkRef(resource, "spec.subject", { ref: subject });
        if (subject?.kind === "Service") boundServices.add(`${namespace}/${subject.name}`);
        break;
      }
      case "Service": {
        const account = (spec.template as { spec?: { serviceAccountName?: string } } | undefined)?.spec
          ?.serviceAccountName;
        if (account && !exists("ServiceAccount", namespace, account)) {
          add(
            resource,
            `spec.template.spec.serviceAccountName: ServiceAccount ${account} is not part of the deployment`,
          );
        }
        break;
      }
    }
  }
  const services = resources.filter((resource) => resource.kind === "Service");
  for (const service of services) {
    if (!boundServices.has(`${service.metadata.namespace}/${service.metadata.name}`)) {
      add(service, "no SinkBinding gives this Service K_SINK; its follow-up events would have nowhere to go");
    }
  }
  if (!services.some((service) => service.metadata.name === deadLetterFunction) && services.length > 0) {
    add(
      services[0]!,
      `the dead-letter function "${deadLetterFunction}" is not deployed; add it to the fleet`,
    );
  }
  return found;
}
