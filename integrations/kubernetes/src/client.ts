import {
  AppsV1Api,
  CoreV1Api,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import type { Operation } from "./access.ts";
import { kubernetesFailure } from "./failure.ts";
import { type KubeconfigSettings, loadKubeConfig } from "./kubeconfig.ts";
import { undoTarget } from "./rollout.ts";
import { deploymentSummary, eventSummary, nodeSummary, podSummary } from "./summaries.ts";

/** The field manager of every server-side apply mesh-six makes. */
export const fieldManager = "mesh-six";

export type KubernetesSettings = KubeconfigSettings;

/** What a server-side apply sends: the fields mesh-six owns, the rest left to their managers. */
export interface AppliedDeployment {
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly [field: string]: unknown;
}

export type KubernetesClient = ReturnType<typeof createKubernetesClient>;

/**
 * A client for the Kubernetes API through @kubernetes/client-node (never a kubectl
 * binary); every failure is a KubernetesError naming the RBAC rule a 403 lacks.
 */
export function createKubernetesClient(settings: KubernetesSettings) {
  const config: KubeConfig = loadKubeConfig(settings);
  const where = config.getCurrentCluster()?.server ?? "the cluster";
  const core = config.makeApiClient(CoreV1Api);
  const apps = config.makeApiClient(AppsV1Api);
  const call = async <T>(operation: Operation, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw kubernetesFailure(error, operation, where);
    }
  };
  const patchWith = (strategy: string) => setHeaderOptions("Content-Type", strategy);
  const readDeployment = (namespace: string, name: string) =>
    call("readDeployment", () => apps.readNamespacedDeployment({ name, namespace }));

  return {
    server: where,
    async listPods(namespace: string, labelSelector?: string) {
      const list = await call("listPods", () =>
        core.listNamespacedPod({ namespace, ...(labelSelector ? { labelSelector } : {}) }),
      );
      return list.items.map(podSummary);
    },
    /** A pod and the events about it, as `kubectl describe pod` shows them. */
    async describePod(namespace: string, name: string) {
      const pod = await call("readPod", () => core.readNamespacedPod({ name, namespace }));
      const events = await call("listEvents", () =>
        core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` }),
      );
      return {
        ...podSummary(pod),
        labels: pod.metadata?.labels ?? {},
        events: events.items.map(eventSummary),
      };
    },
    async podLogs(
      namespace: string,
      name: string,
      options: { container?: string; tailLines?: number; previous?: boolean } = {},
    ) {
      return call("readPodLog", () =>
        core.readNamespacedPodLog({
          name,
          namespace,
          tailLines: options.tailLines ?? 100,
          ...(options.container ? { container: options.container } : {}),
          ...(options.previous ? { previous: true } : {}),
        }),
      );
    },
    async events(namespace: string) {
      const list = await call("listEvents", () => core.listNamespacedEvent({ namespace }));
      return list.items.map(eventSummary);
    },
    async listNodes() {
      return (await call("listNodes", () => core.listNode())).items.map(nodeSummary);
    },
    async listDeployments(namespace: string) {
      return (await call("listDeployments", () => apps.listNamespacedDeployment({ namespace }))).items.map(
        deploymentSummary,
      );
    },
    async getDeployment(namespace: string, name: string) {
      return deploymentSummary(await readDeployment(namespace, name));
    },
    /** Server-side apply of a Deployment (field manager mesh-six, forced: mesh-six owns what it sets). */
    async applyDeployment(deployment: AppliedDeployment) {
      const { name, namespace = "default" } = deployment.metadata;
      const applied = await call("patchDeployment", () =>
        apps.patchNamespacedDeployment(
          {
            name,
            namespace,
            body: { apiVersion: "apps/v1", kind: "Deployment", ...deployment },
            fieldManager,
            force: true,
          },
          patchWith(PatchStrategy.ServerSideApply),
        ),
      );
      return deploymentSummary(applied);
    },
    /** A new image for one container of a Deployment, by server-side apply (what a deploy is). */
    async setImage(namespace: string, name: string, container: string, image: string) {
      return this.applyDeployment({
        metadata: { name, namespace },
        spec: { template: { spec: { containers: [{ name: container, image }] } } },
      });
    },
    /** `kubectl rollout restart`: a new restartedAt annotation on the pod template. */
    async restartRollout(namespace: string, name: string, at: Date) {
      const body = {
        spec: {
          template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": at.toISOString() } } },
        },
      };
      const patched = await call("patchDeployment", () =>
        apps.patchNamespacedDeployment(
          { name, namespace, body, fieldManager },
          patchWith(PatchStrategy.StrategicMergePatch),
        ),
      );
      return deploymentSummary(patched);
    },
    /**
     * `kubectl rollout undo`: the pod template of the ReplicaSet at `toRevision` (default:
     * the newest revision before the current one) put back on the Deployment.
     */
    async undoRollout(namespace: string, name: string, toRevision?: number) {
      const deployment = await readDeployment(namespace, name);
      const selector = Object.entries(deployment.spec?.selector.matchLabels ?? {})
        .map(([key, value]) => `${key}=${value}`)
        .join(",");
      const sets = await call("listReplicaSets", () =>
        apps.listNamespacedReplicaSet({ namespace, ...(selector ? { labelSelector: selector } : {}) }),
      );
      const target = undoTarget(deployment, sets.items, toRevision);
      const body = [{ op: "replace", path: "/spec/template", value: target.template }];
      const patched = await call("patchDeployment", () =>
        apps.patchNamespacedDeployment(
          { name, namespace, body, fieldManager },
          patchWith(PatchStrategy.JsonPatch),
        ),
      );
      return { ...deploymentSummary(patched), rolledBackTo: target.revision, from: target.current };
    },
    async scale(namespace: string, name: string, replicas: number) {
      const scaled = await call("scaleDeployment", () =>
        apps.patchNamespacedDeploymentScale(
          { name, namespace, body: { spec: { replicas } }, fieldManager },
          patchWith(PatchStrategy.MergePatch),
        ),
      );
      return { name, replicas: scaled.spec?.replicas ?? replicas };
    },
    async deletePod(namespace: string, name: string) {
      await call("deletePod", () => core.deleteNamespacedPod({ name, namespace }));
      return { deleted: `pod/${name}`, namespace };
    },
    async deleteDeployment(namespace: string, name: string) {
      await call("deleteDeployment", () => apps.deleteNamespacedDeployment({ name, namespace }));
      return { deleted: `deployment/${name}`, namespace };
    },
  };
}
