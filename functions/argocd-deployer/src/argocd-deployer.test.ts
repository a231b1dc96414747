import { type ArgoCdApi, sampleApplication, startArgoCdApi } from "@mesh-six/integration-argocd/testing";
import type { Db } from "@mesh-six/shared/ports/db";
import { approvalsOf, createTestDb, stepsOf, testFunction } from "@mesh-six/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { argocdDeployer } from "./index.ts";

describe("argocd-deployer, on the offline model against the ArgoCD API double", () => {
  let db: Db;
  let api: ArgoCdApi;
  beforeAll(async () => {
    db = await createTestDb();
    api = await startArgoCdApi({ tokens: ["api-token"], users: { deployer: "s3cret" } });
  });
  afterAll(async () => {
    await api.close();
    await db.close();
  });
  beforeEach(() => {
    api.applications.set("shop", sampleApplication("shop"));
  });
  afterEach(() => {
    api.applications.clear();
    api.operations.length = 0;
    api.failing = false;
    api.busy = 0;
  });

  const agent = (env: Record<string, string> = { ARGOCD_URL: api.url, ARGOCD_TOKEN: "api-token" }) =>
    testFunction(argocdDeployer, { db, env });
  const revision = () => api.applications.get("shop")?.status?.sync?.revision;

  it("deploy-service: checks the application, syncs it to the revision with a risk assessment, labelled offline", async () => {
    const task = await (await agent()).task(
      { service: "shop", version: "v2" },
      { capability: "deploy-service" },
    );
    expect(task).toMatchObject({ status: "succeeded", result: { model: "mesh-six-offline", offline: true } });
    expect((task.result as { answer: string }).answer).toMatch(
      /^\[offline model\] application_status → .*sync_application → /,
    );
    expect(api.operations).toEqual([{ kind: "sync", name: "shop", body: { name: "shop", revision: "v2" } }]);
    expect(revision()).toBe("v2");
    expect(await stepsOf(db, task)).toEqual([
      { name: "turn", kind: "llm", status: "succeeded", attempts: 1 },
      { name: "tool application_status", kind: "do", status: "succeeded", attempts: 1 },
      { name: "tool sync_application", kind: "do", status: "succeeded", attempts: 1 },
      { name: "turn#2", kind: "llm", status: "succeeded", attempts: 1 },
    ]);
  });

  it("sync-gitops: syncs to the target revision, logging in with a username and password", async () => {
    const env = { ARGOCD_URL: api.url, ARGOCD_USERNAME: "deployer", ARGOCD_PASSWORD: "s3cret" };
    const task = await (await agent(env)).task({ service: "shop" }, { capability: "sync-gitops" });
    expect(task.status).toBe("succeeded");
    expect(api.operations).toEqual([{ kind: "sync", name: "shop", body: { name: "shop" } }]);
    expect(api.requests).toContain("POST /api/v1/session");
  });

  it("rollback-service: goes back to the deployment before the current one", async () => {
    const task = await (await agent()).task({ service: "shop" }, { capability: "rollback-service" });
    expect(task.status).toBe("succeeded");
    expect(api.operations).toEqual([{ kind: "rollback", name: "shop", body: { name: "shop", id: 0 } }]);
    expect(revision()).toBe("4a5b8d1e2a3f7c9b0d6e5f4a3b2c1d0e9f8a7b6c");
  });

  it("a pruning sync is high risk whatever the model says: it waits for a person and does nothing on rejection", async () => {
    const deployer = await agent();
    const task = await deployer.task({ service: "shop", prune: true }, { capability: "sync-gitops" });
    expect(task.status).toBe("pending");
    const [approval] = await approvalsOf(db, { taskId: task.taskId });
    expect(approval?.context).toMatchObject({
      action: "call the tool sync_application",
      details: { tool: "sync_application", arguments: { application: "shop", prune: true } },
    });
    expect(api.operations).toEqual([]);
    await deployer.decide(approval?.id ?? "", { decision: "rejected", reason: "not on a Friday" });
    expect(deployer.outcome(task.taskId).status).toBe("succeeded");
    expect(api.operations).toEqual([]);
    expect((await stepsOf(db, task)).map((step) => step.name)).not.toContain("tool sync_application");
  });

  it("the same pruning sync runs once a person approves it", async () => {
    const deployer = await agent();
    const task = await deployer.task({ service: "shop", prune: true }, { capability: "sync-gitops" });
    const [approval] = await approvalsOf(db, { taskId: task.taskId });
    await deployer.decide(approval?.id ?? "", { decision: "approved" });
    expect(deployer.outcome(task.taskId).status).toBe("succeeded");
    expect(api.operations).toEqual([{ kind: "sync", name: "shop", body: { name: "shop", prune: true } }]);
  });

  it("retries 'another operation is already in progress' after its delay, then syncs", async () => {
    api.busy = 1;
    const deployer = await agent();
    const task = await deployer.task({ service: "shop", version: "v3" }, { capability: "deploy-service" });
    expect(task.status).toBe("pending");
    expect(api.operations).toEqual([]);
    await deployer.advance(10_000);
    expect(deployer.outcome(task.taskId).status).toBe("succeeded");
    expect(api.operations).toEqual([{ kind: "sync", name: "shop", body: { name: "shop", revision: "v3" } }]);
    expect(await stepsOf(db, task)).toContainEqual({
      name: "tool sync_application",
      kind: "do",
      status: "succeeded",
      attempts: 2,
    });
  });

  it("fails the task when ArgoCD cannot deploy, so the orchestrator can route it elsewhere", async () => {
    api.failing = true;
    const task = await (await agent()).task(
      { service: "shop", version: "v4" },
      { capability: "deploy-service" },
    );
    expect(task).toMatchObject({ status: "failed", error: { type: "api_error", retryable: false } });
    expect(task.error?.message).toContain("Manifest generation error");
  });

  it("fails without ArgoCD's address, saying which variable to set", async () => {
    const task = await (await agent({})).task({ service: "shop" }, { capability: "deploy-service" });
    expect(task).toMatchObject({ status: "failed" });
    expect(task.error?.message).toContain("ARGOCD_URL is not set");
  });

  it("refuses a payload without an application as invalid input, before any LLM call", async () => {
    const task = await (await agent()).task({ version: "v2" }, { capability: "deploy-service" });
    expect(task).toMatchObject({ status: "failed", error: { type: "invalid_input", retryable: false } });
    expect(task.error?.message).toContain("payload.service");
  });
});
