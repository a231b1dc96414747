import { Broker } from "@kubernetes-models/knative/eventing.knative.dev/v1/Broker";
import { Trigger } from "@kubernetes-models/knative/eventing.knative.dev/v1/Trigger";
import { Service } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import { PingSource } from "@kubernetes-models/knative/sources.knative.dev/v1/PingSource";
import { SinkBinding } from "@kubernetes-models/knative/sources.knative.dev/v1/SinkBinding";
import { Job } from "kubernetes-models/batch/v1/Job";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import type { Resource } from "../manifests/settings.ts";
import { eventPolicySchemaProblems } from "./event-policy.ts";

type ModelClass = new (data: never) => { validate(): void };

/** The JSON-schema models of every kind mesh-six deploys, by `apiVersion kind`. */
const models: Readonly<Record<string, ModelClass>> = {
  "serving.knative.dev/v1 Service": Service,
  "eventing.knative.dev/v1 Broker": Broker,
  "eventing.knative.dev/v1 Trigger": Trigger,
  "sources.knative.dev/v1 PingSource": PingSource,
  "sources.knative.dev/v1 SinkBinding": SinkBinding,
  "batch/v1 Job": Job,
  "v1 ConfigMap": ConfigMap,
  "v1 Namespace": Namespace,
  "v1 ServiceAccount": ServiceAccount,
  "rbac.authorization.k8s.io/v1 Role": Role,
  "rbac.authorization.k8s.io/v1 RoleBinding": RoleBinding,
  "rbac.authorization.k8s.io/v1 ClusterRole": ClusterRole,
  "rbac.authorization.k8s.io/v1 ClusterRoleBinding": ClusterRoleBinding,
};

/** Kinds without a published model, checked by a schema of our own. */
const ownSchemas: Readonly<Record<string, (resource: Resource) => string[]>> = {
  "eventing.knative.dev/v1alpha1 EventPolicy": eventPolicySchemaProblems,
};

/** Kinds that live in a namespace (the rest are cluster-scoped). */
export const clusterScoped: ReadonlySet<string> = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding"]);

/** What the resource's JSON schema (@kubernetes-models) rejects; empty when it passes. */
export function schemaProblems(resource: Resource): string[] {
  const key = `${resource.apiVersion} ${resource.kind}`;
  const own = ownSchemas[key];
  if (own) return own(resource);
  const Model = models[key];
  if (!Model) return [`no schema known for ${key}; add its model to knative/src/validate/schema.ts`];
  try {
    new Model(resource as never).validate();
    return [];
  } catch (error) {
    return [`schema: ${error instanceof Error ? error.message : String(error)}`];
  }
}
