import {
  type KubernetesApi,
  startKubernetesApi,
  writeKubeconfig,
} from "@mesh-six/integration-kubernetes/testing";
import type { Db } from "@mesh-six/shared/ports/db";
import { createTestDb, llmUsageOf, stepsOf, testFunction } from "@mesh-six/testing";
import { type ReplayServer, startReplayServer, structured, toolCalls } from "@mesh-six/testing/openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { debugResult, kubectlDeployer } from "./index.ts";

/** debug-pods as a model answers it through an OpenAI-compatible server: it reads, then reads more, then diagnoses. */
describe("kubectl-deployer against the replay server's tool calls", () => {
  let db: Db;
  let api: KubernetesApi;
  let server: ReplayServer;
  beforeAll(async () => {
    db = await createTestDb();
    api = await startKubernetesApi();
    server = await startReplayServer();
  });
  afterAll(async () => {
    await server.close();
    await api.close();
    await db.close();
  });

  it("debug-pods: lists the pods, reads the crashing one's previous log, answers a DebugResult", async () => {
    const asked = "Debug the pods of the Deployment shop";
    server.use(
      toolCalls({
        match: { text: asked, lastRole: "user" },
        calls: [{ name: "list_pods", arguments: { namespace: "shop", selector: "app=shop" } }],
      }),
    );
    server.use(
      toolCalls({
        match: { text: asked, lastRole: "tool", toolResult: "CrashLoopBackOff" },
        calls: [
          {
            name: "pod_logs",
            arguments: { namespace: "shop", pod: "shop-7c9d8b6f5d-fghij", previous: true },
          },
        ],
      }),
    );
    const diagnosis = {
      diagnosis: "shop-7c9d8b6f5d-fghij runs out of memory loading the catalog and is OOMKilled (exit 137)",
      evidence: [
        "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
        "lastState: OOMKilled, 7 restarts",
      ],
      suggestedFix: "raise the container's memory limit or stream the catalog instead of loading it whole",
      confidence: 0.85,
    };
    server.use(structured({ match: { text: asked, toolResult: "heap out of memory" }, object: diagnosis }));
    const agent = await testFunction(kubectlDeployer, {
      db,
      env: { KUBECONFIG: writeKubeconfig(api.url), LLM_BASE_URL: server.baseURL, LLM_API_KEY: "sk-test" },
    });
    const task = await agent.task({ service: "shop", namespace: "shop" }, { capability: "debug-pods" });
    expect(task).toMatchObject({ status: "succeeded", result: diagnosis });
    expect(debugResult.safeParse(task.result).success).toBe(true);
    expect((await stepsOf(db, task)).map((step) => step.name)).toEqual([
      "turn",
      "tool list_pods",
      "turn#2",
      "tool pod_logs",
      "turn#3",
    ]);
    expect((await llmUsageOf(db, task)).map((row) => row.step)).toEqual(["turn", "turn#2", "turn#3"]);
    // the answer's schema was asked for: DebugResult as json_schema
    expect(server.received.at(-1)?.body.response_format).toMatchObject({ type: "json_schema" });
  });
});
