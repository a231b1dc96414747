import { migrate } from "@mesh-six/sql";
import { type ReplayServer, startReplayServer } from "@mesh-six/testing-openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createManualClock } from "../clock.ts";
import { llmConfig } from "../config/llm.ts";
import { readConfig } from "../config/read.ts";
import { createPgliteDb } from "../db/pglite.ts";
import { readMeshEvents } from "../log/event-log.ts";
import type { Db } from "../ports/db.ts";
import { createLlm } from "./create.ts";
import { LlmError } from "./errors.ts";

const context = { agentId: "general-agent", capability: "general-query", taskId: "task-1" };

describe("the LLM port", () => {
  let db: Db;
  let server: ReplayServer;
  beforeAll(async () => {
    db = await createPgliteDb();
    await migrate(db);
    server = await startReplayServer();
  });
  afterAll(async () => {
    await server.close();
    await db.close();
  });
  beforeEach(async () => {
    await db.exec("DELETE FROM llm_usage; DELETE FROM mesh_events;");
    server.received.length = 0;
  });

  const online = (extra: Record<string, string> = {}) =>
    createLlm({
      config: readConfig(llmConfig, {
        LLM_BASE_URL: server.baseURL,
        LLM_API_KEY: "sk-test",
        LLM_MODEL: "gpt-4o-mini",
        ...extra,
      }),
      db,
      clock: createManualClock(),
    });

  const failure = async (prompt: string, extra: Record<string, string> = {}) => {
    try {
      await online(extra).generate({ prompt, context });
    } catch (error) {
      return error;
    }
    throw new Error("expected the call to fail");
  };

  it("asks an OpenAI-compatible server through chat completions and records tokens and cost", async () => {
    const llm = online();
    expect(llm.offline).toBe(false);
    const response = await llm.generate({ prompt: "What is 2+2?", instructions: "Answer briefly.", context });
    expect(response).toMatchObject({
      text: "2 + 2 = 4.",
      modelId: "gpt-4o-mini-2024-07-18",
      offline: false,
      usage: { promptTokens: 24, completionTokens: 8 },
      calls: 1,
    });
    expect(response.usage.costUsd).toBeCloseTo((24 * 0.15 + 8 * 0.6) / 1e6, 12);
    const [request] = server.received;
    expect(request).toMatchObject({
      method: "POST",
      path: "/v1/chat/completions",
      authorization: "Bearer sk-test",
    });
    expect(request?.body.model).toBe("gpt-4o-mini");
    expect(request?.body.messages).toEqual([
      { role: "system", content: "Answer briefly." },
      { role: "user", content: "What is 2+2?" },
    ]);
    const { rows } = await db.query(
      "SELECT model, prompt_tokens, completion_tokens, cost_usd::float8 AS cost, agent_id, capability, task_id, outcome FROM llm_usage",
    );
    expect(rows).toEqual([
      {
        model: "gpt-4o-mini-2024-07-18",
        prompt_tokens: 24,
        completion_tokens: 8,
        cost: expect.closeTo(response.usage.costUsd, 12),
        agent_id: "general-agent",
        capability: "general-query",
        task_id: "task-1",
        outcome: "ok",
      },
    ]);
    const events = await readMeshEvents(db, { kind: "llm.call" });
    expect(events[0]).toMatchObject({ functionName: "general-agent", subject: "task-1" });
    expect(events[0]?.data).toMatchObject({
      model: "gpt-4o-mini-2024-07-18",
      promptTokens: 24,
      outcome: "ok",
    });
  });

  it("prices models from LLM_PRICES over the built-in table", async () => {
    const llm = online({ LLM_PRICES: JSON.stringify({ "gpt-4o-mini": { input: 1, output: 2 } }) });
    const response = await llm.generate({ prompt: "Tell me about a Kafka-backed Knative Broker.", context });
    expect(response.usage).toEqual({
      promptTokens: 41,
      completionTokens: 45,
      costUsd: (41 * 1 + 45 * 2) / 1e6,
    });
  });

  it("retries a rate limit within the request, waiting what the server asks, and records every call", async () => {
    server.script("What is 2+2?", ["error-429-tokens-per-minute"]);
    const response = await online().generate({ prompt: "What is 2+2?", context });
    expect(response).toMatchObject({ text: "2 + 2 = 4.", calls: 2, usage: { promptTokens: 24 } });
    expect(server.received).toHaveLength(2);
    const { rows } = await db.query(
      "SELECT outcome, prompt_tokens, completion_tokens FROM llm_usage ORDER BY id",
    );
    expect(rows).toEqual([
      { outcome: "rate_limited", prompt_tokens: 0, completion_tokens: 0 },
      { outcome: "ok", prompt_tokens: 24, completion_tokens: 8 },
    ]);
  });

  it("gives up after LLM_MAX_RETRIES retries when the rate limit lasts, with every call recorded", async () => {
    const error = await failure("we are over the token limit");
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ type: "rate_limited", retryable: true, status: 429, calls: 3 });
    expect((error as Error).message).toContain("tokens per min (TPM)");
    expect((error as Error).message).toContain("(after 3 calls)");
    expect(server.received).toHaveLength(3);
    const { rows } = await db.query("SELECT outcome, prompt_tokens FROM llm_usage");
    expect(rows).toEqual(Array(3).fill({ outcome: "rate_limited", prompt_tokens: 0 }));
  });

  it("does not retry when the server's wait would end past the retry budget", async () => {
    const error = await failure("please rate limit me", { LLM_RETRY_BUDGET_SECONDS: "10" });
    expect(error).toMatchObject({ type: "rate_limited", retryable: true, status: 429, retryAfterMs: 20_000 });
    expect((error as Error).message).toContain("Rate limit reached for gpt-4o-mini");
    expect((error as Error).message).toContain(
      "not retried: the next try would start 20 s after the first, past the 10 s retry budget",
    );
    expect(server.received).toHaveLength(1);
    const { rows } = await db.query("SELECT outcome, prompt_tokens FROM llm_usage");
    expect(rows).toEqual([{ outcome: "rate_limited", prompt_tokens: 0 }]);
  });

  it("makes one call when LLM_MAX_RETRIES is 0", async () => {
    const error = await failure("we are over the token limit", { LLM_MAX_RETRIES: "0" });
    expect(error).toMatchObject({ type: "rate_limited", retryable: true });
    expect(server.received).toHaveLength(1);
  });

  it("turns a 500 into a retryable api_error (its 2 s backoff past a 1 s budget) and a 400 into invalid_input that is not retried", async () => {
    const serverFault = await failure("fail on the server", { LLM_RETRY_BUDGET_SECONDS: "1" });
    expect(serverFault).toMatchObject({ type: "api_error", retryable: true, status: 500 });
    expect((serverFault as Error).message).toContain("the next try would start 2 s after the first");
    expect(server.received).toHaveLength(1);
    const invalid = await failure("this prompt is too long for the context");
    expect(invalid).toMatchObject({ type: "invalid_input", retryable: false, status: 400 });
    expect((invalid as Error).message).toContain("maximum context length");
    expect(server.received).toHaveLength(2);
  });

  it("turns an endpoint nobody answers on into a retryable api_error", async () => {
    const llm = createLlm({
      config: readConfig(llmConfig, { LLM_BASE_URL: "http://127.0.0.1:9/v1", LLM_RETRY_BUDGET_SECONDS: "1" }),
      db,
    });
    await expect(llm.generate({ prompt: "What is 2+2?", context })).rejects.toMatchObject({
      type: "api_error",
      retryable: true,
    });
  });

  it("asks for structured output with the schema, and says so when the answer does not match it", async () => {
    const schema = z.object({ answer: z.number() });
    const error = await online()
      .generateObject({ prompt: "What is 2+2?", schema, schemaName: "sum", context })
      .catch((thrown: unknown) => thrown);
    expect(server.received[0]?.body.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "sum", schema: { properties: { answer: { type: "number" } } } },
    });
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ type: "invalid_output", retryable: false, answer: "2 + 2 = 4." });
    expect((error as Error).message).toContain("did not answer with an object matching the schema");
    expect((error as Error).message).toContain('it answered "2 + 2 = 4."');
    // The call itself succeeded and was paid for: one row, with its tokens.
    const { rows } = await db.query("SELECT outcome, prompt_tokens, capability FROM llm_usage");
    expect(rows).toEqual([{ outcome: "ok", prompt_tokens: 24, capability: "general-query" }]);
  });

  it("answers structured output offline with an object made from the schema, labelled", async () => {
    const llm = createLlm({ config: readConfig(llmConfig, {}), db });
    const response = await llm.generateObject({
      prompt: "What is 2+2?",
      schema: z.object({
        summary: z.string(),
        confidence: z.number().min(0).max(1),
        risks: z.array(z.string()),
      }),
      context,
    });
    expect(response.object).toEqual({ summary: "[offline model] 2+2 = 4", confidence: 0, risks: [] });
    expect((await db.query("SELECT model, outcome FROM llm_usage")).rows).toEqual([
      { model: "mesh-six-offline", outcome: "ok" },
    ]);
  });

  it("maps each tier to its configured model and endpoint, falling back to LLM_MODEL and LLM_BASE_URL", async () => {
    const llm = online({ LLM_MODEL_LOCAL: "llama3.2", LLM_MODEL_STRONG: "gpt-4o" });
    expect(llm.tiers).toEqual({
      local: { modelId: "llama3.2", offline: false },
      mid: { modelId: "gpt-4o-mini", offline: false },
      strong: { modelId: "gpt-4o", offline: false },
    });
    await llm.generate({ prompt: "What is 2+2?", tier: "strong", context });
    await llm.generate({ prompt: "What is 2+2?", tier: "local", context });
    await llm.generate({ prompt: "What is 2+2?", context });
    expect(server.received.map((request) => request.body.model)).toEqual([
      "gpt-4o",
      "llama3.2",
      "gpt-4o-mini",
    ]);
    const mixed = createLlm({
      config: readConfig(llmConfig, {
        LLM_BASE_URL_STRONG: server.baseURL,
        LLM_MODEL_STRONG: "gpt-4o",
        LLM_DEFAULT_TIER: "local",
      }),
      db,
    });
    expect(mixed.tiers.local.offline).toBe(true);
    expect(mixed.tiers.strong).toEqual({ modelId: "gpt-4o", offline: false });
    expect(mixed).toMatchObject({ defaultTier: "local", offline: true });
  });

  it("answers with the offline model when no endpoint is configured, at no cost", async () => {
    const llm = createLlm({ config: readConfig(llmConfig, {}), db });
    expect(llm.offline).toBe(true);
    const response = await llm.generate({ prompt: "What is 2+2?", context });
    expect(response).toMatchObject({ text: "[offline model] 2+2 = 4", offline: true, usage: { costUsd: 0 } });
    const { rows } = await db.query("SELECT model, offline FROM llm_usage");
    expect(rows).toEqual([{ model: "mesh-six-offline", offline: true }]);
  });
});
