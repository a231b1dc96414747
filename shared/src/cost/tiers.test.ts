import { migrate } from "@mesh-six/sql";
import { type ReplayServer, reply, startReplayServer } from "@mesh-six/testing-openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createManualClock } from "../clock.ts";
import { llmConfig } from "../config/llm.ts";
import { readConfig } from "../config/read.ts";
import { createPgliteDb } from "../db/pglite.ts";
import { createLlm } from "../llm/create.ts";
import type { LlmCallContext } from "../llm/port.ts";
import type { Db } from "../ports/db.ts";
import { putBudget } from "./budget-records.ts";

// Two OpenAI-compatible servers: the shared endpoint (mid and strong) and a local one.
describe("tiers: privacy, fallback under a budget, complexity", () => {
  let db: Db;
  let shared: ReplayServer;
  let local: ReplayServer;
  const clock = createManualClock(Date.parse("2026-03-04T10:00:00Z"));
  beforeAll(async () => {
    db = await createPgliteDb();
    await migrate(db);
    [shared, local] = await Promise.all([startReplayServer(), startReplayServer()]);
  });
  afterAll(async () => {
    await Promise.all([shared.close(), local.close()]);
    await db.close();
  });
  beforeEach(async () => {
    await db.exec("DELETE FROM llm_usage; DELETE FROM budgets; DELETE FROM budget_usage;");
    shared.received.length = 0;
    local.received.length = 0;
  });

  const llmWith = (extra: Record<string, string> = {}) =>
    createLlm({
      config: readConfig(llmConfig, {
        LLM_BASE_URL: shared.baseURL,
        LLM_API_KEY: "sk-shared",
        LLM_MODEL_MID: "gpt-4o-mini",
        LLM_MODEL_STRONG: "gpt-4o",
        LLM_BASE_URL_LOCAL: local.baseURL,
        LLM_MODEL_LOCAL: "llama3.2",
        LLM_PRICES: JSON.stringify({ "llama3.2": { input: 0, output: 0 } }),
        ...extra,
      }),
      db,
      clock,
    });
  const context: LlmCallContext = { agentId: "writer", userId: "alice", taskId: "task-1" };
  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error("expected the call to fail");
      },
      (error: unknown) => error,
    );

  it("sends a private task's calls only to the local tier", async () => {
    const response = await llmWith().generate({
      prompt: "What is 2+2?",
      context: { ...context, private: true },
    });
    expect(response.tier).toBe("local");
    expect(shared.received).toHaveLength(0);
    expect(local.received.map((request) => request.body.model)).toEqual(["llama3.2"]);
  });

  it("fails a private call that asks for another tier instead of sending it", async () => {
    const error = await failureOf(
      llmWith().generate({ prompt: "What is 2+2?", tier: "strong", context: { ...context, private: true } }),
    );
    expect(error).toMatchObject({ type: "permission", retryable: false });
    expect((error as Error).message).toContain("this task is private");
    expect((error as Error).message).toContain('give the agent tier "local"');
    expect(shared.received).toHaveLength(0);
    expect(local.received).toHaveLength(0);
  });

  it("fails a private call when the local tier is only the shared endpoint", async () => {
    const llm = createLlm({
      config: readConfig(llmConfig, { LLM_BASE_URL: shared.baseURL, LLM_MODEL: "gpt-4o-mini" }),
      db,
      clock,
    });
    const error = await failureOf(
      llm.generate({ prompt: "What is 2+2?", context: { ...context, private: true } }),
    );
    expect(error).toMatchObject({ type: "permission", retryable: false });
    expect((error as Error).message).toContain("set LLM_BASE_URL_LOCAL");
    expect(shared.received).toHaveLength(0);
  });

  it("falls back to the cheaper tier when a fallback budget is used up, and records it on the call", async () => {
    await putBudget(db, "strong-spend", {
      scope: "agent",
      subject: "writer",
      period: "day",
      usd: 0.001,
      onExceeded: "fallback",
      fallbackTier: "local",
      warnAt: 0.8,
    });
    // gpt-4o: 1024 reserved output tokens at $10 per million is past $0.001
    const response = await llmWith().generate({ prompt: "What is 2+2?", tier: "strong", context });
    expect(response).toMatchObject({ tier: "local", fallbackBudget: "strong-spend" });
    expect(shared.received).toHaveLength(0);
    expect(local.received[0]?.body).toMatchObject({ model: "llama3.2", max_tokens: 1024 });
    const { rows } = await db.query(
      "SELECT requested_tier, tier, fallback_budget, priced FROM llm_usage WHERE task_id = 'task-1'",
    );
    expect(rows).toEqual([
      { requested_tier: "strong", tier: "local", fallback_budget: "strong-spend", priced: true },
    ]);
  });

  it("still limits a call that fell back by every other budget: a reject budget caps the fallback tier", async () => {
    await putBudget(db, "strong-spend", {
      scope: "agent",
      subject: "writer",
      period: "day",
      usd: 0.001,
      onExceeded: "fallback",
      fallbackTier: "mid",
      warnAt: 0.8,
    });
    await putBudget(db, "writer-ceiling", {
      scope: "agent",
      subject: "writer",
      period: "day",
      tokens: 1060,
      onExceeded: "reject",
      warnAt: 0.8,
    });
    // the first falls back to mid (strong-spend counts it, no longer limits it) and fits the
    // ceiling: 1048 tokens reserved, settled to the 32 it used
    const first = await llmWith().generate({ prompt: "What is 2+2?", tier: "strong", context });
    expect(first).toMatchObject({ tier: "mid", fallbackBudget: "strong-spend" });
    expect(shared.received.map((request) => request.body.model)).toEqual(["gpt-4o-mini"]);
    // the second would pass the ceiling (32 used + 1048 estimated > 1060): refused, not sent
    const error = await failureOf(llmWith().generate({ prompt: "What is 2+2?", tier: "strong", context }));
    expect(error).toMatchObject({ type: "budget_exceeded", retryable: false });
    expect((error as Error).message).toContain(
      'budget "writer-ceiling" (agent writer) is used up: 32 of 1060 tokens',
    );
    expect(shared.received).toHaveLength(1);
  });

  it("rejects a call over a reject budget with budget_exceeded, naming the budget and its reset", async () => {
    await putBudget(db, "alice-daily", {
      scope: "user",
      subject: "*",
      period: "day",
      tokens: 100,
      onExceeded: "reject",
      warnAt: 0.8,
    });
    const error = await failureOf(llmWith().generate({ prompt: "What is 2+2?", context }));
    expect(error).toMatchObject({ type: "budget_exceeded", retryable: false });
    expect((error as Error).message).toBe(
      'budget "alice-daily" (user alice) is used up: 0 of 100 tokens used, and this call needs an estimated 1048 tokens; it resets at 2026-03-05T00:00:00.000Z; the budget allows 100 tokens a day for each user',
    );
    expect(shared.received).toHaveLength(0);
    // a smaller call fits
    const response = await llmWith().generate({ prompt: "What is 2+2?", maxOutputTokens: 20, context });
    expect(response.usage).toMatchObject({ promptTokens: 24, completionTokens: 8 });
  });

  it("refuses a money budget for a model without a price, and marks unpriced calls", async () => {
    shared.use(
      reply({ match: "Name the house model", model: "house-model", content: "I am the house model." }),
    );
    const llm = llmWith({ LLM_MODEL_MID: "house-model" });
    const answer = await llm.generate({ prompt: "Name the house model", context });
    expect(answer.usage.costUsd).toBe(0);
    const { rows } = await db.query("SELECT model, priced FROM llm_usage");
    // its cost is unknown, not zero: reports count it as unpriced
    expect(rows).toEqual([{ model: "house-model", priced: false }]);
    await putBudget(db, "money", {
      scope: "global",
      subject: "*",
      period: "month",
      usd: 5,
      onExceeded: "reject",
      warnAt: 0.8,
    });
    const error = await failureOf(llm.generate({ prompt: "What is 2+2?", context }));
    expect(error).toMatchObject({ type: "invalid_input", retryable: false });
    expect((error as Error).message).toContain('model "house-model" has no price: add it to LLM_PRICES');
  });

  it("picks the tier from the task's complexity when the agent fixes none", async () => {
    const llm = llmWith();
    expect(
      (await llm.generate({ prompt: "What is 2+2?", context: { ...context, complexity: "high" } })).tier,
    ).toBe("strong");
    expect(
      (await llm.generate({ prompt: "What is 2+2?", context: { ...context, complexity: "low" } })).tier,
    ).toBe("local");
    expect(
      (
        await llm.generate({
          prompt: "What is 2+2?",
          tier: "mid",
          context: { ...context, complexity: "high" },
        })
      ).tier,
    ).toBe("mid");
    const estimating = llmWith({ LLM_ESTIMATE_COMPLEXITY: "true" });
    expect((await estimating.generate({ prompt: "What is 2+2?", context })).tier).toBe("local");
    expect(
      (await estimating.generate({ prompt: `What is 2+2? ${"Think. ".repeat(3000)}`, context })).tier,
    ).toBe("strong");
  });
});
