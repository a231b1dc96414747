import { type MeshEvent, TaskCompleted, TaskDispatched, TaskFailed } from "@mesh-six/events";
import { createManualClock } from "@mesh-six/shared/clock";
import { readFunctionConfig } from "@mesh-six/shared/function/config";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import { silentLogger } from "@mesh-six/shared/log/logger";
import type { Db } from "@mesh-six/shared/ports/db";
import { createFunctionRuntime } from "@mesh-six/shared/runtime/function-runtime";
import { createTestDb } from "@mesh-six/shared/runtime/test-fixture";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ReplayServer, startReplayServer } from "../../../test/fixtures/openai/replay-server.ts";
import { generalAgent } from "./index.ts";

describe("general-agent", () => {
  let db: Db;
  let server: ReplayServer;
  beforeAll(async () => {
    db = await createTestDb();
    server = await startReplayServer();
  });
  afterAll(async () => {
    await server.close();
    await db.close();
  });

  /** Runs one dispatched task through the agent's runtime and returns what it published. */
  async function run(payload: Record<string, unknown>, env: Record<string, string> = {}): Promise<MeshEvent> {
    const published: MeshEvent[] = [];
    const clock = createManualClock();
    const runtime = createFunctionRuntime({
      definition: generalAgent,
      db,
      kv: createMemoryKv({ clock }),
      clock,
      config: readFunctionConfig(generalAgent, env),
      logger: silentLogger,
      publish: async (event) => {
        published.push(event);
      },
    });
    const dispatched = TaskDispatched.create({
      source: "/mesh-six/orchestrator",
      data: {
        taskId: crypto.randomUUID(),
        capability: "general-query",
        agentId: "general-agent",
        attempt: 1,
        payload,
        priority: 5,
        deadline: new Date(clock.now() + 120_000).toISOString(),
      },
      extensions: { meshagent: "general-agent" },
    });
    expect(await runtime.subscriber(dispatched, { signal: new AbortController().signal })).toEqual({
      status: 200,
    });
    const results = published.filter((event) => TaskCompleted.is(event) || TaskFailed.is(event));
    expect(results).toHaveLength(1);
    return results[0]!;
  }

  it("answers with the offline model when no LLM is configured, and says so", async () => {
    const event = await run({ query: "What is 2+2?" });
    const parsed = TaskCompleted.parse(event);
    expect(parsed.ok && parsed.data).toMatchObject({
      agentId: "general-agent",
      attempt: 1,
      result: { answer: "[offline model] 2+2 = 4", model: "mesh-six-offline", offline: true },
      usage: { costUsd: 0 },
    });
  });

  it("answers through an OpenAI-compatible server, taking payload.prompt too", async () => {
    const event = await run(
      { prompt: "What is 2+2?" },
      { LLM_BASE_URL: server.baseURL, LLM_API_KEY: "sk-test" },
    );
    const parsed = TaskCompleted.parse(event);
    expect(parsed.ok && parsed.data).toMatchObject({
      result: { answer: "2 + 2 = 4.", model: "gpt-4o-mini-2024-07-18", offline: false },
      usage: { promptTokens: 24, completionTokens: 8 },
    });
  });

  it("reports LLM errors as task.failed with their type and retry behaviour", async () => {
    // a 1 s retry budget: the 429's 20 s and the 500's 2 s backoff are past it, so one call each
    const env = { LLM_BASE_URL: server.baseURL, LLM_RETRY_BUDGET_SECONDS: "1" };
    const cases = [
      ["please rate limit me", "rate_limited", true],
      ["fail on the server", "api_error", true],
      ["too long for the context", "invalid_input", false],
    ] as const;
    for (const [query, type, retryable] of cases) {
      const parsed = TaskFailed.parse(await run({ query }, env));
      expect(parsed.ok && parsed.data.error).toMatchObject({ type, retryable });
    }
  });

  it("fails a task without a question as invalid input, naming the field", async () => {
    const parsed = TaskFailed.parse(await run({ question: "typo" }));
    expect(parsed.ok && parsed.data.error).toMatchObject({ type: "invalid_input", retryable: false });
    expect(parsed.ok && parsed.data.error.message).toContain("payload.query");
  });
});
