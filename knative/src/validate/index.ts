import { validateDelivery, validateDestination } from "@mesh-six/shared/broker/validate-delivery";
import { validateTrigger } from "@mesh-six/shared/broker/validate-trigger";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import type { Trigger } from "@mesh-six/shared/function/knative-types";
import { checkSchedules } from "@mesh-six/shared/runtime/schedule-check";
import { brokerClassAnnotation } from "../manifests/broker.ts";
import type { ManifestSet } from "../manifests/generate.ts";
import type { Resource } from "../manifests/settings.ts";
import { eventPolicyProblems } from "./event-policy.ts";
import { emittedEventProblems } from "./events.ts";
import { pingSourceProblems } from "./ping-source.ts";
import { referenceProblems } from "./references.ts";
import { clusterScoped, schemaProblems } from "./schema.ts";
import { containerProblems, serviceProblems } from "./service.ts";
import { variableProblems } from "./variables.ts";

const objectName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** What the Knative (and Kubernetes) admission webhooks would reject beyond the schema. */
function webhookProblems(resource: Resource): string[] {
  const spec = (resource.spec ?? {}) as Record<string, unknown>;
  switch (resource.kind) {
    case "Service":
      return serviceProblems(resource);
    case "Trigger":
      return validateTrigger(resource as unknown as Trigger);
    case "Broker": {
      const problems: string[] = [];
      const brokerClass = resource.metadata.annotations?.[brokerClassAnnotation];
      if (brokerClass !== "Kafka") {
        problems.push(`metadata.annotations[${brokerClassAnnotation}]: "${brokerClass}" must be "Kafka"`);
      }
      if (spec.delivery) problems.push(...validateDelivery("spec.delivery", spec.delivery));
      return problems;
    }
    case "PingSource":
      return pingSourceProblems(spec as never);
    case "EventPolicy":
      return eventPolicyProblems(resource);
    case "SinkBinding":
      return [
        ...validateDestination("spec.sink", spec.sink),
        ...validateDestination("spec.subject", { ref: spec.subject }),
      ];
    case "Job": {
      const template = spec.template as { spec?: { containers?: never[] } } | undefined;
      const containers = template?.spec?.containers ?? [];
      return containers.flatMap((container, index) =>
        containerProblems(`spec.template.spec.containers[${index}]`, container),
      );
    }
    default:
      return [];
  }
}

function metadataProblems(resource: Resource): string[] {
  const problems: string[] = [];
  const { name, namespace } = resource.metadata;
  if (!objectName.test(name) || name.length > 253)
    problems.push(`metadata.name: "${name}" is not a valid object name`);
  if (clusterScoped.has(resource.kind)) {
    if (namespace !== undefined)
      problems.push(`metadata.namespace: a ${resource.kind} is cluster-scoped; remove it`);
  } else if (!namespace) problems.push("metadata.namespace: missing");
  if (resource.kind === "Secret")
    problems.push("a Secret in the manifests would commit its values; reference it instead");
  return problems;
}

/**
 * Every problem with a deployment, each as `<file>: <Kind> <name>: <what> (how to fix)`:
 * the definitions (schedules), every resource's JSON schema and webhook rules,
 * references between resources, duplicate names, emitted event types nobody consumes,
 * and every variable a function requires provided by its Service.
 */
export function validateManifests(files: ManifestSet, fleet: readonly FunctionDefinition[]): string[] {
  const problems = fleet.flatMap((definition) => checkSchedules(definition.name, definition.schedules ?? []));
  const all = [...files.values()].flat();
  const fileOf = new Map<Resource, string>();
  for (const [file, resources] of files) for (const resource of resources) fileOf.set(resource, file);
  const references = referenceProblems(all);
  const seen = new Set<string>();
  for (const resource of all) {
    const where = `${fileOf.get(resource)}: ${resource.kind} ${resource.metadata.name}`;
    const key = `${resource.apiVersion}/${resource.kind}/${resource.metadata.namespace ?? ""}/${resource.metadata.name}`;
    if (seen.has(key)) problems.push(`${where}: defined twice; names must be unique per kind`);
    seen.add(key);
    for (const problem of [
      ...metadataProblems(resource),
      ...schemaProblems(resource),
      ...webhookProblems(resource),
      ...(references.get(resource) ?? []),
    ]) {
      problems.push(`${where}: ${problem}`);
    }
  }
  const triggers = all.filter((resource) => resource.kind === "Trigger") as unknown as Trigger[];
  problems.push(...emittedEventProblems(fleet, triggers));
  problems.push(...variableProblems(files, fleet));
  return problems;
}
