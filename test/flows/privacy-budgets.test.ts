import { generalAgent } from "@mesh-six/function-general-agent";
import { putBudget } from "@mesh-six/shared/cost";
import type { Db } from "@mesh-six/shared/ports/db";
import { createTestDb, llmUsageOf, testFunction, withMemory } from "@mesh-six/testing";
import { type ReplayServer, startReplayServer } from "@mesh-six/testing/openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

// An agent that fixes no tier, through its durable run (step.llm): the task's payload marks
// reach the LLM port without the agent doing anything.
describe("privacy and budgets through an agent's run", () => {
  let db: Db;
  let shared: ReplayServer;
  let local: ReplayServer;
  beforeAll(async () => {
    db = await createTestDb();
    [shared, local] = await Promise.all([startReplayServer(), startReplayServer()]);
  });
  afterAll(async () => {
    await Promise.all([shared.close(), local.close()]);
    await db.close();
  });
  afterEach(async () => {
    shared.reset();
    local.reset();
    await db.exec("DELETE FROM budgets; DELETE FROM budget_usage;");
  });
  const agent = (extra: Record<string, string> = {}) =>
    testFunction(generalAgent, {
      db,
      env: {
        LLM_BASE_URL: shared.baseURL,
        LLM_BASE_URL_LOCAL: local.baseURL,
        LLM_MODEL_LOCAL: "llama3.2",
        LLM_PRICES: JSON.stringify({ "llama3.2": { input: 0, output: 0 } }),
        ...extra,
      },
    });

  it("sends a private task's every call to the local tier only", async () => {
    const task = await (await agent()).task({ query: "What is 2+2?", private: true, userId: "erin" });
    expect(task.status).toBe("succeeded");
    expect(shared.received).toHaveLength(0);
    expect(local.received.length).toBeGreaterThan(0);
    expect(local.received.every((request) => request.body.model === "llama3.2")).toBe(true);
  });

  it("keeps a private task's memory local: a configured embedding model is sent neither its question nor its facts", async () => {
    const env = {
      LLM_BASE_URL: shared.baseURL,
      LLM_BASE_URL_LOCAL: local.baseURL,
      LLM_MODEL_LOCAL: "llama3.2",
      LLM_PRICES: JSON.stringify({ "llama3.2": { input: 0, output: 0 } }),
      EMBEDDING_MODEL: "text-embedding-3-small",
      EMBEDDING_BASE_URL: shared.baseURL,
    };
    const withEmbeddings = await testFunction(generalAgent, { db, env, ...withMemory(db, env) });
    const embeddingsSent = () => shared.received.filter((request) => request.path === "/v1/embeddings");
    const task = await withEmbeddings.task({
      query: "My blood pressure is 150/95. What is 2+2?",
      private: true,
      userId: "erin",
    });
    expect(task.status, JSON.stringify(task.error)).toBe("succeeded");
    // nothing reached the shared endpoint: not the answer, not the embeddings, not the
    // extraction of facts (the memory's LLM call, on the local tier)
    expect(shared.received).toHaveLength(0);
    expect(local.received.map((request) => request.body.model)).toEqual(["llama3.2", "llama3.2"]);
    // the refused embeddings are on record, with why, and cost nothing
    const memoryCalls = (await llmUsageOf(db, { taskId: task.taskId })).filter((row) =>
      row.capability?.startsWith("memory-"),
    );
    const embeddings = memoryCalls.filter((row) => row.model === "text-embedding-3-small");
    expect(embeddings.map((row) => row.capability)).toContain("memory-recall");
    expect(embeddings.every((row) => row.outcome === "permission" && row.costUsd === 0)).toBe(true);
    expect(embeddings.map((row) => row.capability)).toContain("memory-storage");
    // the same question of a task that is not private is embedded by the configured model
    await withEmbeddings.task({ query: "What is 2+2?", userId: "erin" });
    expect(embeddingsSent().length).toBeGreaterThan(0);
  });

  it("fails a private task, without sending it, when the local tier is the shared endpoint", async () => {
    const sharedOnly = await testFunction(generalAgent, {
      db,
      env: { LLM_BASE_URL: shared.baseURL, LLM_MODEL: "gpt-4o-mini" },
    });
    const task = await sharedOnly.task({ query: "What is 2+2?", private: true });
    expect(task.status).toBe("failed");
    expect(task.error).toMatchObject({ type: "permission", retryable: false });
    expect(task.error?.message).toContain("set LLM_BASE_URL_LOCAL");
    expect(shared.received).toHaveLength(0);
  });

  it("fails a task over a reject budget with budget_exceeded, naming the budget and when it resets", async () => {
    await putBudget(db, "frank-daily", {
      scope: "user",
      subject: "frank",
      period: "day",
      tokens: 50,
      onExceeded: "reject",
      warnAt: 0.8,
    });
    const task = await (await agent()).task({ query: "What is 2+2?", userId: "frank" });
    expect(task.status).toBe("failed");
    expect(task.error).toMatchObject({ type: "budget_exceeded", retryable: false });
    expect(task.error?.message).toMatch(/budget "frank-daily" \(user frank\) is used up: .* it resets at /);
    expect(shared.received).toHaveLength(0);
    expect(await llmUsageOf(db, task)).toEqual([]);
  });
});
