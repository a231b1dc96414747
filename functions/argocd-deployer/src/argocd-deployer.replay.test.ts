import { type ArgoCdApi, sampleApplication, startArgoCdApi } from "@mesh-six/integration-argocd/testing";
import type { Db } from "@mesh-six/shared/ports/db";
import { approvalsOf, createTestDb, llmUsageOf, stepsOf, testFunction } from "@mesh-six/testing";
import { type ReplayServer, reply, startReplayServer, toolCalls } from "@mesh-six/testing/openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { argocdDeployer } from "./index.ts";

/** The model as an OpenAI-compatible server answers it: the status first, then the sync with its own risk assessment. */
describe("argocd-deployer against the replay server's tool calls", () => {
  let db: Db;
  let api: ArgoCdApi;
  let server: ReplayServer;
  beforeAll(async () => {
    db = await createTestDb();
    api = await startArgoCdApi({ tokens: ["api-token"] });
    server = await startReplayServer();
  });
  afterAll(async () => {
    await server.close();
    await api.close();
    await db.close();
  });
  afterEach(() => {
    server.reset();
    api.operations.length = 0;
  });

  const agent = () =>
    testFunction(argocdDeployer, {
      db,
      env: {
        ARGOCD_URL: api.url,
        ARGOCD_TOKEN: "api-token",
        LLM_BASE_URL: server.baseURL,
        LLM_API_KEY: "sk-test",
      },
    });
  const sequence = (service: string, level: "low" | "high") => {
    server.use(
      toolCalls({
        match: { text: `Deploy the ArgoCD application ${service}`, lastRole: "user" },
        calls: [{ name: "application_status", arguments: { application: service } }],
      }),
    );
    server.use(
      toolCalls({
        match: {
          text: `Deploy the ArgoCD application ${service}`,
          lastRole: "tool",
          toolResult: "resources",
        },
        calls: [
          {
            name: "sync_application",
            arguments: {
              application: service,
              revision: "v9",
              prune: false,
              risk: {
                level,
                reasons:
                  level === "high"
                    ? ["v9 changes the database schema"]
                    : ["a routine image bump of a healthy app"],
              },
            },
          },
        ],
      }),
    );
    server.use(
      reply({
        match: { text: `Deploy the ArgoCD application ${service}`, toolResult: "rejected" },
        content: `${service} was not deployed: the sync was rejected.`,
      }),
    );
    server.use(
      reply({
        match: { text: `Deploy the ArgoCD application ${service}`, toolResult: "risk" },
        content: `${service} is Synced and Healthy at v9.`,
      }),
    );
  };

  it("acts at once on the model's low-risk assessment, one tool per turn", async () => {
    api.applications.set("shop", sampleApplication("shop"));
    sequence("shop", "low");
    const task = await (await agent()).task(
      { service: "shop", revision: "v9" },
      { capability: "deploy-service" },
    );
    expect(task).toMatchObject({
      status: "succeeded",
      result: { answer: "shop is Synced and Healthy at v9.", offline: false },
    });
    expect((await stepsOf(db, task)).map((step) => step.name)).toEqual([
      "turn",
      "tool application_status",
      "turn#2",
      "tool sync_application",
      "turn#3",
    ]);
    expect(api.operations).toEqual([{ kind: "sync", name: "shop", body: { name: "shop", revision: "v9" } }]);
    expect((await llmUsageOf(db, task)).map((row) => row.step)).toEqual(["turn", "turn#2", "turn#3"]);
  });

  it("waits for a person on the model's high-risk assessment, shown its reasons, and syncs nothing when rejected", async () => {
    api.applications.set("cart", sampleApplication("cart"));
    sequence("cart", "high");
    const deployer = await agent();
    const task = await deployer.task({ service: "cart", revision: "v9" }, { capability: "deploy-service" });
    expect(task.status).toBe("pending");
    const [approval] = await approvalsOf(db, { taskId: task.taskId });
    expect(approval?.context).toMatchObject({
      details: { arguments: { risk: { level: "high", reasons: ["v9 changes the database schema"] } } },
    });
    await deployer.decide(approval?.id ?? "", { decision: "rejected" });
    expect(deployer.outcome(task.taskId)).toMatchObject({
      status: "succeeded",
      result: { answer: "cart was not deployed: the sync was rejected." },
    });
    expect(api.operations).toEqual([]);
  });
});
