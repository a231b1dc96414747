import { ConfigError } from "@mesh-six/shared/errors";
import type { z } from "zod";
import { ClusterError } from "./errors.ts";
import { type Access, getKubernetes, type KubernetesRequest } from "./kubernetes-request.ts";
import { deploymentList, nodeList, nodeMetricsList, podList, podMetricsList } from "./kubernetes-shapes.ts";
import type { ClusterOverview, ClusterState, NodeSummary, ResourceUsage } from "./port.ts";
import { parseQuantity, round } from "./quantity.ts";

export interface KubernetesClusterSettings {
  /** The API server, e.g. https://kubernetes.default.svc (KUBERNETES_API_URL). */
  readonly baseUrl: string;
  /** A bearer token (the ServiceAccount's); none for a proxy such as `kubectl proxy`. */
  readonly token?: string;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

/** The RBAC rules the architect's reads need (its definition's kubernetesAccess). */
export const clusterReadRules = [
  { apiGroups: [""], resources: ["nodes", "pods"], verbs: ["list"] },
  { apiGroups: ["apps"], resources: ["deployments"], verbs: ["list"] },
  { apiGroups: ["metrics.k8s.io"], resources: ["nodes", "pods"], verbs: ["list"] },
] as const;

const namespacePattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** ClusterState over the Kubernetes REST API with plain fetch (core/v1, apps/v1, metrics.k8s.io/v1beta1). */
export function createKubernetesClusterState(settings: KubernetesClusterSettings): ClusterState {
  const baseUrl = settings.baseUrl.trim().replace(/\/+$/, "");
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
    throw new ConfigError(
      "KUBERNETES_API_URL",
      `${JSON.stringify(settings.baseUrl)} is not an http(s) URL; in a cluster use https://kubernetes.default.svc`,
    );
  }
  const request: KubernetesRequest = {
    baseUrl,
    token: settings.token?.trim() || undefined,
    fetch: settings.fetch ?? fetch,
    timeoutMs: settings.timeoutMs ?? 10_000,
  };
  const list = async <Schema extends z.ZodType>(path: string, access: Access, schema: Schema) => {
    const parsed = schema.safeParse(await getKubernetes(request, path, access));
    if (!parsed.success) {
      throw new ClusterError(
        "unreachable",
        `${path} answered a list the architect cannot read; is KUBERNETES_API_URL the API server?`,
        {
          retryable: false,
        },
      );
    }
    return parsed.data as z.output<Schema>;
  };
  const scoped = (group: string, resource: string, namespace?: string) => {
    if (namespace !== undefined && !namespacePattern.test(namespace)) {
      throw new ClusterError(
        "not_found",
        `${JSON.stringify(namespace)} is not a namespace name (lowercase letters, digits and -)`,
        {
          retryable: false,
        },
      );
    }
    return `${group}${namespace ? `/namespaces/${namespace}` : ""}/${resource}`;
  };
  const nodes = async () =>
    (await list("/api/v1/nodes", { verb: "list", resource: "nodes", group: "" }, nodeList)).items.map(toNode);

  return {
    async overview(namespace) {
      const pods = await list(
        scoped("/api/v1", "pods", namespace),
        { verb: "list", resource: "pods", group: "" },
        podList,
      );
      const deployments = await list(
        scoped("/apis/apps/v1", "deployments", namespace),
        { verb: "list", resource: "deployments", group: "apps" },
        deploymentList,
      );
      const phases: Record<string, number> = {};
      for (const pod of pods.items) phases[pod.status.phase] = (phases[pod.status.phase] ?? 0) + 1;
      const restarting = pods.items
        .map((pod) => {
          const restarts = pod.status.containerStatuses.reduce((sum, each) => sum + each.restartCount, 0);
          const reason = pod.status.containerStatuses
            .map((each) => each.state?.waiting?.reason ?? each.lastState?.terminated?.reason)
            .find((each) => each !== undefined);
          return {
            pod: `${pod.metadata.namespace ?? ""}/${pod.metadata.name}`,
            restarts,
            ...(reason ? { reason } : {}),
          };
        })
        .filter((pod) => pod.restarts > 0)
        .sort((a, b) => b.restarts - a.restarts)
        .slice(0, 10);
      return {
        nodes: await nodes(),
        pods: phases,
        restarting,
        deployments: deployments.items.map((deployment) => ({
          name: `${deployment.metadata.namespace ?? ""}/${deployment.metadata.name}`,
          desired: deployment.spec.replicas,
          ready: deployment.status.readyReplicas,
          available: deployment.status.availableReplicas,
        })),
      } satisfies ClusterOverview;
    },
    async usage(namespace) {
      const metrics = { group: "metrics.k8s.io", verb: "list" };
      const nodeUsage = await list(
        "/apis/metrics.k8s.io/v1beta1/nodes",
        { ...metrics, resource: "nodes" },
        nodeMetricsList,
      );
      const podUsage = await list(
        scoped("/apis/metrics.k8s.io/v1beta1", "pods", namespace),
        { ...metrics, resource: "pods" },
        podMetricsList,
      );
      const allocatable = new Map((await nodes()).map((node) => [node.name, node.allocatable]));
      return {
        nodes: nodeUsage.items.map((item) => {
          const cpuCores = round(parseQuantity(item.usage.cpu));
          const memoryBytes = parseQuantity(item.usage.memory);
          const of = allocatable.get(item.metadata.name);
          return {
            name: item.metadata.name,
            cpuCores,
            memoryBytes,
            ...(of && of.cpuCores > 0 ? { cpuPercent: round((100 * cpuCores) / of.cpuCores, 1) } : {}),
            ...(of && of.memoryBytes > 0
              ? { memoryPercent: round((100 * memoryBytes) / of.memoryBytes, 1) }
              : {}),
          };
        }),
        topPods: podUsage.items
          .map((item) => ({
            pod: `${item.metadata.namespace ?? ""}/${item.metadata.name}`,
            cpuCores: round(item.containers.reduce((sum, each) => sum + parseQuantity(each.usage.cpu), 0)),
            memoryBytes: item.containers.reduce((sum, each) => sum + parseQuantity(each.usage.memory), 0),
          }))
          .sort((a, b) => b.cpuCores - a.cpuCores)
          .slice(0, 10),
      } satisfies ResourceUsage;
    },
  };
}

function toNode(item: z.output<typeof nodeList>["items"][number]): NodeSummary {
  const labels = item.metadata.labels ?? {};
  return {
    name: item.metadata.name,
    ready: item.status.conditions.some(
      (condition) => condition.type === "Ready" && condition.status === "True",
    ),
    roles: Object.keys(labels)
      .filter((label) => label.startsWith("node-role.kubernetes.io/"))
      .map((label) => label.slice("node-role.kubernetes.io/".length)),
    kubeletVersion: item.status.nodeInfo.kubeletVersion ?? "",
    allocatable: {
      cpuCores: round(parseQuantity(item.status.allocatable.cpu ?? "0")),
      memoryBytes: parseQuantity(item.status.allocatable.memory ?? "0"),
      pods: parseQuantity(item.status.allocatable.pods ?? "0"),
    },
  };
}
