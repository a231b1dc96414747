import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rulesFor } from "./access.ts";
import { createKubernetesClient } from "./client.ts";
import { KubernetesError } from "./errors.ts";
import { type KubernetesApi, startKubernetesApi } from "./testing/index.ts";

async function failure(call: Promise<unknown>): Promise<KubernetesError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof KubernetesError))
    throw new Error(`expected a KubernetesError, got ${String(error)}`);
  return error;
}

describe("the Kubernetes client (@kubernetes/client-node) against the API double", () => {
  let api: KubernetesApi;
  beforeEach(async () => {
    api = await startKubernetesApi();
  });
  afterEach(() => api.close());
  const client = () => createKubernetesClient({ server: { url: api.url, token: "sa-token" } });

  it("lists pods and deployments, describes a pod with its events, reads its logs, lists nodes", async () => {
    const pods = await client().listPods("shop", "app=shop");
    expect(pods.map((pod) => [pod.name, pod.ready, pod.restarts])).toEqual([
      ["shop-7c9d8b6f5d-abcde", true, 0],
      ["shop-7c9d8b6f5d-fghij", false, 7],
    ]);
    const described = await client().describePod("shop", "shop-7c9d8b6f5d-fghij");
    expect(described.containers[0]).toMatchObject({
      waiting: "CrashLoopBackOff",
      lastTerminated: { reason: "OOMKilled", exitCode: 137 },
    });
    expect(described.events.map((event) => event.reason)).toEqual(["BackOff", "OOMKilling"]);
    expect(await client().podLogs("shop", "shop-7c9d8b6f5d-fghij")).toContain("heap out of memory");
    expect(await client().listDeployments("shop")).toMatchObject([
      { name: "shop", revision: "3", replicas: 2, ready: 2 },
    ]);
    expect(await client().listNodes()).toMatchObject([{ name: "node-1", ready: true }]);
  });

  it("deploys an image by server-side apply, field manager mesh-six, forced", async () => {
    const deployed = await client().setImage("shop", "shop", "shop", "ghcr.io/mesh-six/shop:1.3.0");
    expect(deployed).toMatchObject({
      revision: "4",
      images: [{ container: "shop", image: "ghcr.io/mesh-six/shop:1.3.0" }],
    });
    expect(api.patches).toMatchObject([
      {
        path: "/apis/apps/v1/namespaces/shop/deployments/shop",
        contentType: "application/apply-patch+yaml",
        body: {
          apiVersion: "apps/v1",
          kind: "Deployment",
          spec: {
            template: { spec: { containers: [{ name: "shop", image: "ghcr.io/mesh-six/shop:1.3.0" }] } },
          },
        },
      },
    ]);
    expect(api.patches[0]?.query).toContain("fieldManager=mesh-six");
    expect(api.patches[0]?.query).toContain("force=true");
  });

  it("undoes a rollout as kubectl does: the previous revision's template, then one given by number", async () => {
    const undone = await client().undoRollout("shop", "shop");
    expect(undone).toMatchObject({
      rolledBackTo: 2,
      from: 3,
      revision: "4",
      images: [{ image: "ghcr.io/mesh-six/shop:1.1.0" }],
    });
    expect(api.patches.at(-1)).toMatchObject({
      contentType: "application/json-patch+json",
      body: [{ op: "replace", path: "/spec/template" }],
    });
    // the template put back carries no pod-template-hash label
    expect(JSON.stringify(api.patches.at(-1)?.body)).not.toContain("pod-template-hash");
    // undo again: the previous revision is now 3 (1.2.0), as kubectl would pick
    expect(await client().undoRollout("shop", "shop")).toMatchObject({
      rolledBackTo: 3,
      images: [{ image: "ghcr.io/mesh-six/shop:1.2.0" }],
    });
    expect(await client().undoRollout("shop", "shop", 1)).toMatchObject({
      rolledBackTo: 1,
      images: [{ image: "ghcr.io/mesh-six/shop:1.0.0" }],
    });
    const none = await failure(client().undoRollout("shop", "shop", 9));
    expect(none).toMatchObject({ kind: "invalid", retryable: false });
    expect(none.message).toContain("has no revision 9");
  });

  it("restarts a rollout, scales and deletes", async () => {
    await client().restartRollout("shop", "shop", new Date(Date.UTC(2026, 0, 2)));
    expect(api.cluster.deployments.get("shop/shop")?.spec?.template.metadata?.annotations).toEqual({
      "kubectl.kubernetes.io/restartedAt": "2026-01-02T00:00:00.000Z",
    });
    expect(await client().scale("shop", "shop", 5)).toEqual({ name: "shop", replicas: 5 });
    await client().deletePod("shop", "shop-7c9d8b6f5d-fghij");
    expect(api.cluster.pods.map((pod) => pod.metadata?.name)).toEqual(["shop-7c9d8b6f5d-abcde"]);
  });

  it("a 403 is a permission failure naming the RBAC rule the ServiceAccount lacks", async () => {
    api.forbidden.add("patchDeployment");
    const refused = await failure(client().setImage("shop", "shop", "shop", "x:1"));
    expect(refused).toMatchObject({ kind: "permission", type: "permission", retryable: false, status: 403 });
    expect(refused.message).toContain('cannot patch resource "deployments" in API group "apps"');
    expect(refused.message).toContain(
      'the RBAC rule apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"]',
    );
  });

  it("says what other failures are and whether to retry", async () => {
    expect(await failure(client().getDeployment("shop", "nope"))).toMatchObject({
      kind: "not_found",
      retryable: false,
    });
    const closed = createKubernetesClient({ server: { url: "http://127.0.0.1:1" } });
    expect(await failure(closed.listPods("shop"))).toMatchObject({ kind: "unavailable", retryable: true });
    expect(() => createKubernetesClient({})).toThrow(/KUBECONFIG/);
  });

  it("merges the rules of the operations it is given into least-privilege RBAC", () => {
    expect(rulesFor(["listPods", "readPod", "readPodLog", "patchDeployment", "readDeployment"])).toEqual([
      { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
      { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "patch"] },
    ]);
  });
});
