import { migrate } from "@mesh-six/sql";
import {
  loadRecordedResponse,
  loadRecordedResponses,
  type ReplayServer,
  startReplayServer,
} from "@mesh-six/testing-openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createManualClock } from "../clock.ts";
import { memoryConfig } from "../config/memory.ts";
import { readConfig } from "../config/read.ts";
import { createPgliteDb } from "../db/pglite.ts";
import { LlmError } from "../llm/errors.ts";
import { readMeshEvents } from "../log/event-log.ts";
import type { Db } from "../ports/db.ts";
import { createEmbedder } from "./create.ts";

// Hand-written in the shape OpenAI documents for POST /v1/embeddings (see its provenance).
const embeddings = loadRecordedResponse(new URL("./__fixtures__/openai-embeddings.json", import.meta.url));
const texts = ["I prefer concise answers.", "The cluster runs k3s."];
const context = { agentId: "general-agent", capability: "memory-recall", taskId: "task-1", userId: "u1" };

describe("embedding usage", () => {
  let db: Db;
  let server: ReplayServer;
  beforeAll(async () => {
    db = await createPgliteDb();
    await migrate(db);
    server = await startReplayServer([...loadRecordedResponses(), embeddings]);
  });
  afterAll(async () => {
    await server.close();
    await db.close();
  });
  beforeEach(async () => {
    await db.exec("DELETE FROM llm_usage; DELETE FROM mesh_events;");
    server.received.length = 0;
  });

  const configured = (extra: Record<string, string> = {}) =>
    createEmbedder({
      config: readConfig(memoryConfig, {
        EMBEDDING_BASE_URL: server.baseURL,
        EMBEDDING_API_KEY: "sk-embed",
        EMBEDDING_MODEL: "text-embedding-3-small",
        EMBEDDING_DIMENSIONS: "4",
        ...extra,
      }),
      db,
      clock: createManualClock(),
    });

  const usageRows = async () =>
    (
      await db.query(
        `SELECT model, offline, prompt_tokens, completion_tokens, cost_usd::float8 AS cost, outcome,
                agent_id, capability, task_id, user_id FROM llm_usage ORDER BY id`,
      )
    ).rows;

  it("records each call of a configured model: its tokens, the price of text-embedding-3-small and who asked", async () => {
    const vectors = await configured().embedMany(texts, { context });
    expect(vectors).toHaveLength(2);
    expect(server.received.map((request) => request.path)).toEqual(["/v1/embeddings"]);
    expect(await usageRows()).toEqual([
      {
        model: "text-embedding-3-small",
        offline: false,
        prompt_tokens: 13,
        completion_tokens: 0,
        cost: expect.closeTo((13 * 0.02) / 1e6, 12),
        outcome: "ok",
        agent_id: "general-agent",
        capability: "memory-recall",
        task_id: "task-1",
        user_id: "u1",
      },
    ]);
    const events = await readMeshEvents(db, { kind: "llm.call" });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ functionName: "general-agent", subject: "task-1" });
    expect(events[0]?.data).toMatchObject({
      model: "text-embedding-3-small",
      promptTokens: 13,
      outcome: "ok",
    });
  });

  it("records a call made for nobody in particular without an agent", async () => {
    await configured().embedMany(texts);
    expect(await usageRows()).toEqual([
      expect.objectContaining({ prompt_tokens: 13, agent_id: null, capability: null, task_id: null }),
    ]);
  });

  it("retries a rate limit within the retry budget, recording both calls", async () => {
    server.script("The cluster runs k3s.", ["error-429-tokens-per-minute", "openai-embeddings"]);
    const vectors = await configured().embedMany(texts, { context });
    expect(vectors[0]).toEqual([0.5923831, -0.19412483, 0.7190347, 0.30572286]);
    expect(server.received).toHaveLength(2);
    expect((await usageRows()).map((row) => [row.outcome, row.prompt_tokens, row.capability])).toEqual([
      ["rate_limited", 0, "memory-recall"],
      ["ok", 13, "memory-recall"],
    ]);
  });

  it("does not retry when the server's wait ends past the budget, and says why", async () => {
    server.script("The cluster runs k3s.", ["error-429-rate-limit"]);
    const error = await configured({ LLM_RETRY_BUDGET_SECONDS: "10" })
      .embedMany(texts, { context })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ type: "rate_limited", retryable: true, status: 429 });
    expect((error as Error).message).toContain("past the 10 s retry budget");
    expect(server.received).toHaveLength(1);
    expect((await usageRows()).map((row) => row.outcome)).toEqual(["rate_limited"]);
  });

  it("records nothing for the local embedder, which makes no call and costs nothing", async () => {
    const local = createEmbedder({ config: readConfig(memoryConfig, { EMBEDDING_DIMENSIONS: "64" }), db });
    expect(local.local).toBe(true);
    await local.embedMany(texts, { context });
    expect(await usageRows()).toEqual([]);
    expect(server.received).toEqual([]);
  });
});
