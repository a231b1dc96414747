import { triggersFor } from "@mesh-six/shared/broker/triggers";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { broker, namespace } from "./broker.ts";
import { dependencyCheckSecrets } from "./check-variables.ts";
import { configMap } from "./environment.ts";
import { eventPolicies } from "./event-policies.ts";
import { migrationJob } from "./job.ts";
import { rbacFor } from "./rbac.ts";
import { knativeService } from "./service.ts";
import { type DeploymentSettings, defaultSettings, type Resource } from "./settings.ts";
import { pingSources, sinkBinding } from "./sources.ts";

/** The deployment as files: path under knative/ → the resources in it, in order. */
export type ManifestSet = ReadonlyMap<string, readonly Resource[]>;

/**
 * Every resource that deploys `fleet`: the namespace, the broker and its config, the
 * shared configuration, the migration Job, the broker's EventPolicies, and per function its Service, Triggers
 * (from the same `triggersFor` the local hosts route with), PingSources, SinkBinding
 * and RBAC. The functions that run dependency checks get the variables the checks read.
 */
export function generateManifests(
  fleet: readonly FunctionDefinition[],
  settings: DeploymentSettings = defaultSettings,
): ManifestSet {
  const files = new Map<string, readonly Resource[]>();
  files.set("generated/namespace.yaml", [namespace(settings)]);
  files.set("generated/broker.yaml", broker(settings));
  files.set("generated/config.yaml", [configMap(settings)]);
  files.set("generated/migrate-job.yaml", [migrationJob(settings)]);
  files.set("generated/event-policies.yaml", eventPolicies(fleet, settings));
  const sorted = [...fleet].sort((a, b) => a.name.localeCompare(b.name));
  const checkSecrets = dependencyCheckSecrets(fleet);
  for (const definition of sorted) {
    files.set(`generated/functions/${definition.name}.yaml`, [
      ...rbacFor(definition, settings),
      knativeService(definition, settings, definition.runsDependencyChecks ? checkSecrets : []),
      sinkBinding(definition, settings),
      ...(triggersFor(definition, {
        namespace: settings.namespace,
        broker: settings.broker,
      }) as unknown as Resource[]),
      ...pingSources(definition, settings),
    ]);
  }
  return files;
}

/** `kustomization.yaml`: `kubectl apply -k knative/` applies every generated file. */
export function kustomization(files: ManifestSet): Record<string, unknown> {
  return {
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    resources: [...files.keys()],
  };
}
