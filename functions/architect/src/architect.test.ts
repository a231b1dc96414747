import type { Db } from "@mesh-six/shared/ports/db";
import { createTestDb, runOf, stepsOf, testFunction, withMemory } from "@mesh-six/testing";
import { type ReplayServer, startReplayServer, structured, toolCalls } from "@mesh-six/testing/openai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ArchitectResult, recommendation } from "./answer.ts";
import { clusterExchanges, failureExchanges } from "./cluster/testing.ts";
import { architect, createArchitect } from "./index.ts";
import { architectDoubles, clusterEnv } from "./testing.ts";

let db: Db;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db.close());
beforeEach(() => db.exec("DELETE FROM memories"));

describe("architect offline (the offline model calls the tools the prompt names)", () => {
  it("answers tech-consultation with the structured recommendation, saying the cluster is not configured, and stores the decision", async () => {
    const agent = await testFunction(architect, { db, ...withMemory(db) });
    const task = await agent.task(
      { query: "Which database should the shop use?" },
      { capability: "tech-consultation" },
    );
    expect(task.status).toBe("succeeded");
    const result = task.result as ArchitectResult;
    expect(recommendation.safeParse(result).success).toBe(true);
    expect(result.summary).toMatch(/^\[offline model\].*KUBERNETES_API_URL is unset/);
    expect(result.decisionId).toEqual(expect.any(String));
    expect((await stepsOf(db, task)).map((step) => step.name)).toEqual([
      "recall",
      "turn",
      "tool cluster_state",
      "tool resource_usage",
      "tool past_decisions",
      "turn#2",
      "remember decision",
    ]);

    // the next consultation is shown the stored decision by past_decisions
    const next = await agent.task(
      { query: "Which database should the shop use now?" },
      { capability: "architecture-review" },
    );
    expect((next.result as ArchitectResult).consultedDecisions).toEqual([
      expect.objectContaining({
        id: result.decisionId,
        decision: expect.stringMatching(/^Decision on "Which database/),
      }),
    ]);
  });

  it("reads the cluster and the service's health from Prometheus", async () => {
    const doubles = architectDoubles();
    const agent = await testFunction(createArchitect({ fetch: doubles.fetch }), {
      db,
      env: clusterEnv,
      ...withMemory(db, clusterEnv),
    });
    const task = await agent.task({
      query: "Review the monitoring stack",
      service: "prometheus",
      namespace: "shop",
    });
    expect(task.status).toBe("succeeded");
    const steps = (await runOf(db, task)).steps;
    const result = (name: string) =>
      steps.find((step) => step.name === `tool ${name}`)?.result as Record<string, unknown>;
    expect(result("cluster_state")).toMatchObject({
      configured: true,
      pods: { Running: 2, Succeeded: 1, Pending: 1 },
    });
    expect(result("resource_usage")).toMatchObject({
      configured: true,
      topPods: [{ pod: "shop/shop-7d9f-abcde" }, {}],
    });
    expect(result("service_health")).toMatchObject({
      configured: true,
      healthy: true,
      targets: [{ instance: "127.0.0.1:39091", up: true }],
    });
    expect(doubles.kubernetes.requests.every((request) => request.authorization === "Bearer sa-token")).toBe(
      true,
    );
  });

  it("a 403 from the Kubernetes API is a permission failure told to the model, naming the RBAC rule", async () => {
    const doubles = architectDoubles([...clusterExchanges(), ...failureExchanges().slice(0, 1)]);
    const agent = await testFunction(createArchitect({ fetch: doubles.fetch }), {
      db,
      env: clusterEnv,
      ...withMemory(db, clusterEnv),
    });
    const task = await agent.task({ query: "What runs where?" });
    expect(task.status).toBe("succeeded");
    const step = (await runOf(db, task)).steps.find((each) => each.name === "tool cluster_state");
    expect(step).toMatchObject({ status: "failed", attempts: 1 });
    expect(step?.error).toMatchObject({ type: "permission", retryable: false });
    expect(JSON.stringify(step?.error)).toContain('resources: [\\"nodes\\"], verbs: [\\"list\\"]');
  });

  it("refuses a bad payload naming the field", async () => {
    const agent = await testFunction(architect, { db, ...withMemory(db) });
    const task = await agent.task({ query: "x", namespace: "Not_A_Namespace" });
    expect(task).toMatchObject({ status: "failed", error: { type: "invalid_input" } });
    expect(task.error?.message).toMatch(/^payload\.namespace: must be a Kubernetes namespace name/);
  });
});

describe("architect against the replay server (tool-call fixtures)", () => {
  let server: ReplayServer;
  beforeAll(async () => {
    server = await startReplayServer();
  });
  afterAll(() => server.close());
  afterEach(() => server.reset());

  it("cites the past decisions past_decisions returned, drops invented ones, and validates the recommendation", async () => {
    const env = {
      ...clusterEnv,
      LLM_BASE_URL: server.baseURL,
      LLM_API_KEY: "sk-test",
      LLM_MODEL_STRONG: "gpt-4o",
    };
    const ports = withMemory(db, env);
    const stored = await ports.memory
      .forAgent("architect")
      .remember("Decision on queues: use the Kafka broker.", {
        userId: null,
        metadata: { kind: "fact", decision: true },
      });
    const known = stored?.memory.id ?? "";
    server.use(
      toolCalls({
        match: "queue for the shop",
        calls: [
          { name: "past_decisions", arguments: { query: "queue for the shop" } },
          { name: "cluster_state", arguments: { namespace: "shop" } },
        ],
      }),
      structured({
        match: "queue for the shop",
        object: {
          summary: "Keep the Kafka broker for the shop's queue.",
          recommendedStack: [
            { component: "messaging", choice: "Knative Kafka Broker", why: "already decided and running" },
          ],
          deploymentStrategy: "GitOps through ArgoCD, canary of the consumer",
          risks: [{ risk: "partition hot spots", severity: "medium", mitigation: "key by order id" }],
          reasoning: "The past decision chose Kafka; the cluster has headroom on worker-1.",
          confidence: 0.8,
          citations: [known, "decision-nobody-made"],
        },
      }),
    );
    const agent = await testFunction(createArchitect({ fetch: architectDoubles().fetch }), {
      db,
      env,
      ...ports,
    });
    const task = await agent.task(
      { query: "Which queue for the shop?" },
      { capability: "tech-consultation" },
    );
    expect(task.status).toBe("succeeded");
    const result = task.result as ArchitectResult;
    expect(result).toMatchObject({
      summary: "Keep the Kafka broker for the shop's queue.",
      citations: [known],
      unverifiedCitations: ["decision-nobody-made"],
      consultedDecisions: [{ id: known }],
    });
    expect(server.received.map((request) => request.body?.model)).toEqual(["gpt-4o", "gpt-4o"]);
    const memory = await db.query<{ metadata: { citations: string[] } }>(
      "select metadata from memories where id = $1",
      [result.decisionId],
    );
    expect(memory.rows[0]?.metadata.citations).toEqual([known]);
  });
});
