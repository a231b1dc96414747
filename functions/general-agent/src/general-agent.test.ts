import type { Db } from "@mesh-six/shared/ports/db";
import { createTestDb, llmUsageOf, stepsOf, testFunction } from "@mesh-six/testing";
import { type ReplayServer, reply, startReplayServer } from "@mesh-six/testing/openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
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
  afterEach(() => server.reset());

  const agent = (env: Record<string, string> = {}) => testFunction(generalAgent, { db, env });
  const online = () => ({ LLM_BASE_URL: server.baseURL, LLM_API_KEY: "sk-test" });

  it("answers with the offline model when no LLM is configured, and says so", async () => {
    const task = await (await agent()).task({ query: "What is 2+2?" });
    expect(task).toMatchObject({
      status: "succeeded",
      result: { answer: "[offline model] 2+2 = 4", model: "mesh-six-offline", offline: true },
      usage: { costUsd: 0 },
    });
    // without memory (memory.test.ts has it) the run is one LLM turn
    expect(await stepsOf(db, task)).toEqual([
      { name: "turn", kind: "llm", status: "succeeded", attempts: 1 },
    ]);
    expect(await llmUsageOf(db, task)).toMatchObject([
      { model: "mesh-six-offline", offline: true, agentId: "general-agent", step: "turn", costUsd: 0 },
    ]);
  });

  it("answers through an OpenAI-compatible server, taking payload.prompt too", async () => {
    const task = await (await agent(online())).task({ prompt: "What is 2+2?" });
    expect(task).toMatchObject({
      status: "succeeded",
      result: { answer: "2 + 2 = 4.", model: "gpt-4o-mini-2024-07-18", offline: false },
      usage: { promptTokens: 24, completionTokens: 8 },
    });
    expect(await llmUsageOf(db, task)).toMatchObject([
      {
        model: "gpt-4o-mini-2024-07-18",
        offline: false,
        promptTokens: 24,
        completionTokens: 8,
        step: "turn",
      },
    ]);
    expect(server.received[0]?.body.messages?.[0]).toMatchObject({ role: "system" });
  });

  it("answers what a test's own fixture says (README, Testing)", async () => {
    server.use(reply({ match: "capital of France", content: "Paris." }));
    const agent = await testFunction(generalAgent, { db, env: { LLM_BASE_URL: server.baseURL } });

    const task = await agent.task({ query: "What is the capital of France?" });
    expect(task).toMatchObject({ status: "succeeded", result: { answer: "Paris." } });
    expect((await stepsOf(agent.db, task)).map((step) => step.name)).toEqual(["turn"]);
    expect(await llmUsageOf(agent.db, task)).toMatchObject([{ step: "turn", promptTokens: 20 }]);
  });

  it("reports LLM errors as task.failed with their type and retry behaviour, each call in llm_usage", async () => {
    // a 1 s retry budget: the 429's 20 s and the 500's 2 s backoff are past it, so one call each
    const env = { ...online(), LLM_RETRY_BUDGET_SECONDS: "1" };
    const cases = [
      ["please rate limit me", "rate_limited", true],
      ["fail on the server", "api_error", true],
      ["too long for the context", "invalid_input", false],
    ] as const;
    for (const [query, type, retryable] of cases) {
      const task = await (await agent(env)).task({ query });
      expect(task).toMatchObject({ status: "failed", error: { type, retryable } });
      expect(await llmUsageOf(db, task)).toHaveLength(1);
    }
  });

  it("fails a task without a question as invalid input, naming the field", async () => {
    const task = await (await agent()).task({ question: "typo" });
    expect(task).toMatchObject({ status: "failed", error: { type: "invalid_input", retryable: false } });
    expect(task.error?.message).toContain("payload.query");
    expect(await llmUsageOf(db, task)).toEqual([]);
  });
});
