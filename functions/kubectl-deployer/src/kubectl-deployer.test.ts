import {
  type KubernetesApi,
  startKubernetesApi,
  writeKubeconfig,
} from "@mesh-six/integration-kubernetes/testing";
import type { Db } from "@mesh-six/shared/ports/db";
import { approvalsOf, createTestDb, stepsOf, testFunction } from "@mesh-six/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { debugResult, kubectlDeployer } from "./index.ts";

describe("kubectl-deployer, on the offline model against the Kubernetes API double", () => {
  let db: Db;
  let api: KubernetesApi;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await api?.close();
    api = await startKubernetesApi();
  });
  afterAll(() => api.close());

  const agent = () =>
    testFunction(kubectlDeployer, {
      db,
      env: { KUBECONFIG: writeKubeconfig(api.url), KUBECTL_NAMESPACE: "shop" },
    });
  const image = () => api.cluster.deployments.get("shop/shop")?.spec?.template.spec?.containers[0]?.image;

  it("deploy-service: sets the image by server-side apply, the tag on the same repository", async () => {
    const task = await (await agent()).task(
      { service: "shop", version: "1.3.0" },
      { capability: "deploy-service" },
    );
    expect(task).toMatchObject({ status: "succeeded", result: { offline: true } });
    expect(image()).toBe("ghcr.io/mesh-six/shop:1.3.0");
    expect(api.patches.map((patch) => patch.contentType)).toEqual(["application/apply-patch+yaml"]);
    expect((await stepsOf(db, task)).map((step) => step.name)).toEqual(["turn", "tool set_image", "turn#2"]);
  });

  it("rollback-service: rollout undo goes back to the revision before the current one", async () => {
    const task = await (await agent()).task({ service: "shop" }, { capability: "rollback-service" });
    expect(task.status).toBe("succeeded");
    expect(image()).toBe("ghcr.io/mesh-six/shop:1.1.0");
    expect(
      api.cluster.deployments.get("shop/shop")?.metadata?.annotations?.["deployment.kubernetes.io/revision"],
    ).toBe("4");
  });

  it("debug-pods: reads the pods and the events, and answers a DebugResult that validates", async () => {
    const task = await (await agent()).task({ service: "shop" }, { capability: "debug-pods" });
    expect(task.status).toBe("succeeded");
    const result = debugResult.parse(task.result);
    expect(result.diagnosis).toContain("[offline model]");
    expect(result.diagnosis).toMatch(/list_pods → .*shop-7c9d8b6f5d-fghij.*; events → /);
    expect((await stepsOf(db, task)).map((step) => step.name)).toEqual([
      "turn",
      "tool list_pods",
      "tool events",
      "turn#2",
    ]);
  });

  it("debug-pods on one pod: its description and its previous container's log", async () => {
    const task = await (await agent()).task({ pod: "shop-7c9d8b6f5d-fghij" }, { capability: "debug-pods" });
    expect(debugResult.parse(task.result).diagnosis).toContain("heap out of memory");
  });

  it("inspect-cluster: nodes, deployments, pods and events", async () => {
    const task = await (await agent()).task({}, { capability: "inspect-cluster" });
    expect(task.status).toBe("succeeded");
    expect((task.result as { answer: string }).answer).toMatch(/cluster_nodes → .*node-1/);
  });

  it("a delete waits for a person and does nothing when rejected", async () => {
    const deployer = await agent();
    const task = await deployer.task(
      { pod: "shop-7c9d8b6f5d-fghij", query: "then delete_pod it" },
      { capability: "debug-pods" },
    );
    expect(task.status).toBe("pending");
    const [approval] = await approvalsOf(db, { taskId: task.taskId });
    expect(approval?.context).toMatchObject({
      details: { tool: "delete_pod", arguments: { pod: "shop-7c9d8b6f5d-fghij" } },
    });
    await deployer.decide(approval?.id ?? "", { decision: "rejected" });
    expect(deployer.outcome(task.taskId).status).toBe("succeeded");
    expect(api.cluster.pods).toHaveLength(2);
    expect(api.requests.filter((request) => request.startsWith("DELETE"))).toEqual([]);
  });

  it("a 403 fails the deploy as a permission failure naming the missing RBAC rule", async () => {
    api.forbidden.add("patchDeployment");
    const task = await (await agent()).task(
      { service: "shop", version: "1.3.0" },
      { capability: "deploy-service" },
    );
    expect(task).toMatchObject({ status: "failed", error: { type: "permission", retryable: false } });
    expect(task.error?.message).toContain(
      'apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"]',
    );
    expect(image()).toBe("ghcr.io/mesh-six/shop:1.2.0");
  });

  it("refuses a deploy without an image or a version, naming the field, before any LLM call", async () => {
    const task = await (await agent()).task({ service: "shop" }, { capability: "deploy-service" });
    expect(task).toMatchObject({ status: "failed", error: { type: "invalid_input" } });
    expect(task.error?.message).toContain("payload.image");
  });

  it("its RBAC is what its tools call: one ClusterRole, no verbs beyond them", () => {
    expect(kubectlDeployer.kubernetesAccess).toEqual({
      clusterWide: true,
      rules: [
        { apiGroups: [""], resources: ["events"], verbs: ["list"] },
        { apiGroups: [""], resources: ["nodes"], verbs: ["list"] },
        { apiGroups: [""], resources: ["pods"], verbs: ["delete", "get", "list"] },
        { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
        { apiGroups: ["apps"], resources: ["deployments"], verbs: ["delete", "get", "list", "patch"] },
        { apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"] },
        { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["list"] },
      ],
    });
  });
});
