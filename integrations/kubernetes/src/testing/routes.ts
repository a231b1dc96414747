import type { V1Container, V1Deployment, V1PodTemplateSpec } from "@kubernetes/client-node";
import type { Operation } from "../access.ts";
import { type Cluster, objectKey, rollOut } from "./cluster.ts";

export interface Call {
  readonly method: string;
  readonly url: URL;
  readonly body: unknown;
  readonly contentType: string;
}

type Answer =
  | { operation: Operation; value: unknown }
  | { operation: Operation; text: string }
  | { operation: Operation; error: { code: number; reason: string; message: string } }
  | undefined;

const list = (kind: string, items: unknown[]) => ({
  kind,
  apiVersion: "v1",
  metadata: { resourceVersion: "1" },
  items,
});

function matches(labels: Record<string, string> | undefined, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(",").every((pair) => {
    const [name, value] = pair.split("=");
    return labels?.[name ?? ""] === value;
  });
}

const notFound = (operation: Operation, resource: string, name: string): Answer => ({
  operation,
  error: { code: 404, reason: "NotFound", message: `${resource} "${name}" not found` },
});

/** The paths of core/v1 and apps/v1 the client calls, answered from the cluster. */
export function route(cluster: Cluster, call: Call): Answer {
  const { method, url } = call;
  const path = url.pathname;
  const selector = url.searchParams.get("labelSelector");
  if (method === "GET" && path === "/api/v1/nodes")
    return { operation: "listNodes", value: list("NodeList", cluster.nodes) };
  const core = /^\/api\/v1\/namespaces\/([^/]+)\/(pods|events)(?:\/([^/]+))?(?:\/(log))?$/.exec(path);
  if (core) {
    const [, namespace, resource, name, log] = core;
    if (resource === "events") {
      const field = url.searchParams.get("fieldSelector")?.replace(/^involvedObject\.name=/, "");
      const events = cluster.events.filter(
        (event) => event.metadata?.namespace === namespace && (!field || event.involvedObject.name === field),
      );
      return { operation: "listEvents", value: list("EventList", events) };
    }
    const pods = cluster.pods.filter((pod) => pod.metadata?.namespace === namespace);
    if (!name)
      return {
        operation: "listPods",
        value: list(
          "PodList",
          pods.filter((pod) => matches(pod.metadata?.labels, selector)),
        ),
      };
    const pod = pods.find((each) => each.metadata?.name === name);
    const operation: Operation = log ? "readPodLog" : method === "DELETE" ? "deletePod" : "readPod";
    if (!pod) return notFound(operation, "pods", name);
    if (log) return { operation, text: cluster.logs.get(name) ?? "" };
    if (method === "DELETE") {
      cluster.pods.splice(cluster.pods.indexOf(pod), 1);
      return { operation, value: pod };
    }
    return { operation, value: pod };
  }
  const apps =
    /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/(deployments|replicasets)(?:\/([^/]+))?(?:\/(scale))?$/.exec(
      path,
    );
  if (!apps) return undefined;
  const [, namespace = "", resource, name, scale] = apps;
  if (resource === "replicasets") {
    const sets = cluster.replicaSets.filter(
      (set) => set.metadata?.namespace === namespace && matches(set.metadata?.labels, selector),
    );
    return { operation: "listReplicaSets", value: list("ReplicaSetList", sets) };
  }
  if (!name) {
    const deployments = [...cluster.deployments.values()].filter(
      (each) => each.metadata?.namespace === namespace,
    );
    return { operation: "listDeployments", value: list("DeploymentList", deployments) };
  }
  const deployment = cluster.deployments.get(objectKey(namespace, name));
  if (scale) {
    if (!deployment) return notFound("scaleDeployment", "deployments.apps", name);
    const replicas = (call.body as { spec?: { replicas?: number } })?.spec?.replicas;
    if (deployment.spec && typeof replicas === "number") deployment.spec.replicas = replicas;
    return {
      operation: "scaleDeployment",
      value: {
        kind: "Scale",
        apiVersion: "autoscaling/v1",
        metadata: { name, namespace },
        spec: { replicas: deployment.spec?.replicas },
      },
    };
  }
  if (method === "GET")
    return deployment
      ? { operation: "readDeployment", value: deployment }
      : notFound("readDeployment", "deployments.apps", name);
  if (method === "DELETE") {
    if (!deployment) return notFound("deleteDeployment", "deployments.apps", name);
    cluster.deployments.delete(objectKey(namespace, name));
    return { operation: "deleteDeployment", value: { kind: "Status", status: "Success" } };
  }
  if (method !== "PATCH") return undefined;
  return patchDeployment(cluster, call, namespace, name, deployment);
}

function patchDeployment(
  cluster: Cluster,
  call: Call,
  namespace: string,
  name: string,
  deployment: V1Deployment | undefined,
): Answer {
  const operation: Operation = "patchDeployment";
  if (call.contentType.startsWith("application/apply-patch")) {
    if (call.url.searchParams.get("fieldManager") === null) {
      return {
        operation,
        error: { code: 400, reason: "BadRequest", message: "PATCH /apply requires a fieldManager" },
      };
    }
    const applied = call.body as V1Deployment;
    const target =
      deployment ??
      ({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace },
        spec: applied.spec,
      } as V1Deployment);
    const containers = applied.spec?.template?.spec?.containers ?? [];
    const live = target.spec?.template.spec?.containers ?? [];
    for (const container of containers) {
      const index = live.findIndex((each) => each.name === container.name);
      if (index >= 0) live[index] = { ...live[index], ...container } as V1Container;
      else live.push(container);
    }
    if (target.spec && typeof applied.spec?.replicas === "number")
      target.spec.replicas = applied.spec.replicas;
    cluster.deployments.set(objectKey(namespace, name), target);
    rollOut(cluster, target);
    return { operation, value: target };
  }
  if (!deployment) return notFound(operation, "deployments.apps", name);
  if (call.contentType.startsWith("application/json-patch")) {
    for (const step of call.body as { op: string; path: string; value: unknown }[]) {
      if (step.op === "replace" && step.path === "/spec/template" && deployment.spec) {
        deployment.spec.template = structuredClone(step.value) as V1PodTemplateSpec;
      }
    }
  } else {
    const annotations = (
      call.body as { spec?: { template?: { metadata?: { annotations?: Record<string, string> } } } }
    )?.spec?.template?.metadata?.annotations;
    const template = deployment.spec?.template;
    if (template && annotations) {
      template.metadata = {
        ...template.metadata,
        annotations: { ...template.metadata?.annotations, ...annotations },
      };
    }
  }
  rollOut(cluster, deployment);
  return { operation, value: deployment };
}

/** The operation a request is, read off its method and path alone (before anything changes). */
export function operationOf(method: string, path: string): Operation | undefined {
  if (path === "/api/v1/nodes") return "listNodes";
  if (/\/events$/.test(path)) return "listEvents";
  if (/\/pods\/[^/]+\/log$/.test(path)) return "readPodLog";
  if (/\/pods\/[^/]+$/.test(path)) return method === "DELETE" ? "deletePod" : "readPod";
  if (/\/pods$/.test(path)) return "listPods";
  if (/\/replicasets$/.test(path)) return "listReplicaSets";
  if (/\/deployments\/[^/]+\/scale$/.test(path)) return "scaleDeployment";
  if (/\/deployments\/[^/]+$/.test(path)) {
    return method === "PATCH"
      ? "patchDeployment"
      : method === "DELETE"
        ? "deleteDeployment"
        : "readDeployment";
  }
  if (/\/deployments$/.test(path)) return "listDeployments";
  return undefined;
}
