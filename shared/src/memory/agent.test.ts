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
import { createLlm } from "../llm/create.ts";
import type { Db } from "../ports/db.ts";
import { createMemory } from "./create.ts";
import { formatMemories } from "./prompt.ts";

// The structured-output answer, hand-written in the shape OpenAI documents (see its provenance).
const fixture = (name: string) =>
  loadRecordedResponse(new URL(`./__fixtures__/${name}.json`, import.meta.url));
const memoriesResponse = fixture("chat-completion-memories");
// POST /v1/embeddings answers (4 numbers each) for the two extracted facts and a question.
const embeddingResponses = ["embeddings-preference", "embeddings-profile", "embeddings-recall-query"].map(
  fixture,
);
const conversation = [
  {
    role: "user" as const,
    content:
      "I prefer concise answers. I work as a platform engineer at Contoso. What is the capital of France?",
  },
  { role: "assistant" as const, content: "Paris." },
];

describe("an agent's memory (ctx.memory)", () => {
  let db: Db;
  let server: ReplayServer;
  const clock = createManualClock(Date.parse("2025-06-01T12:00:00Z"));
  beforeAll(async () => {
    db = await createPgliteDb();
    await migrate(db);
    server = await startReplayServer([...loadRecordedResponses(), memoriesResponse, ...embeddingResponses]);
  });
  afterAll(async () => {
    await server.close();
    await db.close();
  });
  beforeEach(async () => {
    await db.exec("DELETE FROM memories; DELETE FROM llm_usage;");
    server.received.length = 0;
  });

  const offline = (env: Record<string, string> = {}) => {
    const config = readConfig(memoryConfig, env);
    return createMemory({ db, config, llm: createLlm({ config, db, clock }), clock });
  };

  it("learns with the offline rules, then recalls for the same user only", async () => {
    const memory = offline().forAgent("general-agent");
    expect(memory).toMatchObject({ agent: "general-agent", enabled: true, embedder: { local: true } });
    const learned = await memory.learn(conversation, { userId: "u1", metadata: { taskId: "t1" } });
    expect(learned.extractedBy).toBe("rules");
    expect(
      learned.remembered.map((entry) => [entry.action, entry.memory.content, entry.memory.metadata]),
    ).toEqual([
      [
        "inserted",
        "The user prefers concise answers.",
        { taskId: "t1", kind: "preference", extractedBy: "rules" },
      ],
      [
        "inserted",
        "The user works as a platform engineer at Contoso.",
        { taskId: "t1", kind: "profile", extractedBy: "rules" },
      ],
    ]);
    // Learning the same again updates instead of piling up.
    const again = await memory.learn(conversation, { userId: "u1" });
    expect(again.remembered.map((entry) => entry.action)).toEqual(["updated", "updated"]);

    const recalled = await memory.recall("Could you keep your answers concise?", { userId: "u1" });
    expect(recalled[0]?.content).toBe("The user prefers concise answers.");
    expect(await memory.recall("Could you keep your answers concise?", { userId: "u2" })).toEqual([]);
    expect(await memory.recall("Could you keep your answers concise?")).toEqual([]);
    expect(await offline().forAgent("architect").recall("concise answers", { userId: "u1" })).toEqual([]);
  });

  it("recalls standing preferences and profile facts even for an unrelated question", async () => {
    const memory = offline().forAgent("general-agent");
    await memory.learn(conversation, { userId: "u1" });
    await memory.remember("The user's staging cluster is called kestrel.", {
      userId: "u1",
      metadata: { kind: "fact" },
    });
    const recalled = await memory.recall("What is the capital of Germany?", { userId: "u1" });
    expect(recalled.map((entry) => entry.content).sort()).toEqual([
      "The user prefers concise answers.",
      "The user works as a platform engineer at Contoso.",
    ]);
    expect(await memory.recall("What is the capital of Germany?", { userId: "u1", standing: false })).toEqual(
      [],
    );
    expect(recalled.every((entry) => entry.lastUsedAt?.getTime() === clock.now())).toBe(true);
    expect(formatMemories(recalled.slice(0, 1))).toBe(
      "What you remember from earlier conversations with this user (use it where it helps):\n- The user prefers concise answers.",
    );
  });

  it("distils facts with the LLM's structured output and records the call", async () => {
    const config = readConfig(memoryConfig, { LLM_BASE_URL: server.baseURL, LLM_API_KEY: "sk-test" });
    const memory = createMemory({ db, config, llm: createLlm({ config, db, clock }), clock }).forAgent(
      "general-agent",
    );
    const learned = await memory.learn(conversation, { userId: "u1", taskId: "task-7", traceId: "trace-7" });
    expect(learned.extractedBy).toBe("llm");
    expect(learned.facts).toEqual([
      { content: "The user prefers concise answers.", kind: "preference" },
      { content: "The user works as a platform engineer at Contoso.", kind: "profile" },
    ]);
    const [request] = server.received;
    expect(request?.body.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "memories" },
    });
    expect(request?.body.messages?.[0]?.content).toContain("long-term memory");
    expect(request?.body.messages?.[1]?.content).toContain("User: I prefer concise answers.");
    const { rows } = await db.query(
      `SELECT model, agent_id, capability, task_id, user_id, trace_id, prompt_tokens, completion_tokens,
              cost_usd::float8 AS cost, outcome FROM llm_usage`,
    );
    expect(rows).toEqual([
      {
        model: "gpt-4o-mini-2024-07-18",
        agent_id: "general-agent",
        capability: "memory-extraction",
        task_id: "task-7",
        user_id: "u1",
        trace_id: "trace-7",
        prompt_tokens: 236,
        completion_tokens: 38,
        cost: expect.closeTo((236 * 0.15 + 38 * 0.6) / 1e6, 12),
        outcome: "ok",
      },
    ]);
  });

  it("retries a rate-limited extraction within the retry budget, recording each call", async () => {
    const config = readConfig(memoryConfig, { LLM_BASE_URL: server.baseURL, LLM_API_KEY: "sk-test" });
    const memory = createMemory({ db, config, llm: createLlm({ config, db, clock }), clock }).forAgent(
      "general-agent",
    );
    server.script("I prefer concise answers", ["error-429-tokens-per-minute", "chat-completion-memories"]);
    const learned = await memory.learn(conversation, { userId: "u1", taskId: "task-8" });
    expect(learned.extractedBy).toBe("llm");
    expect(learned.facts.map((fact) => fact.kind)).toEqual(["preference", "profile"]);
    expect(server.received).toHaveLength(2);
    const { rows } = await db.query(
      "SELECT outcome, agent_id, capability, task_id, user_id, prompt_tokens FROM llm_usage ORDER BY id",
    );
    const who = {
      agent_id: "general-agent",
      capability: "memory-extraction",
      task_id: "task-8",
      user_id: "u1",
    };
    expect(rows).toEqual([
      { outcome: "rate_limited", ...who, prompt_tokens: 0 },
      { outcome: "ok", ...who, prompt_tokens: 236 },
    ]);
  });

  it("falls back to the rules when the rate limit outlasts the retry budget", async () => {
    const config = readConfig(memoryConfig, {
      LLM_BASE_URL: server.baseURL,
      LLM_API_KEY: "sk-test",
      LLM_RETRY_BUDGET_SECONDS: "10",
    });
    const memory = createMemory({ db, config, llm: createLlm({ config, db, clock }), clock }).forAgent(
      "general-agent",
    );
    // retry-after: 20 s, past the 10 s budget: one call, then the rules.
    server.script("I prefer concise answers", ["error-429-rate-limit"]);
    const learned = await memory.learn(conversation, { userId: "u1" });
    expect(learned.extractedBy).toBe("rules");
    expect(learned.facts.map((fact) => fact.content)).toEqual([
      "The user prefers concise answers.",
      "The user works as a platform engineer at Contoso.",
    ]);
    expect(server.received).toHaveLength(1);
    const { rows } = await db.query("SELECT outcome, capability FROM llm_usage");
    expect(rows).toEqual([{ outcome: "rate_limited", capability: "memory-extraction" }]);
  });

  it("records the calls of a configured embedding model per agent, capability, task and user", async () => {
    const config = readConfig(memoryConfig, {
      LLM_BASE_URL: server.baseURL,
      LLM_API_KEY: "sk-test",
      EMBEDDING_MODEL: "text-embedding-3-small",
      EMBEDDING_DIMENSIONS: "4",
    });
    const service = createMemory({ db, config, llm: createLlm({ config, db, clock }), clock });
    const memory = service.forAgent("general-agent");
    expect(memory.embedder).toEqual({ modelId: "text-embedding-3-small", local: false });
    const learned = await memory.learn(conversation, { userId: "u1", taskId: "task-9", traceId: "trace-9" });
    expect(learned.remembered.map((entry) => entry.action)).toEqual(["inserted", "inserted"]);
    const recalled = await memory.recall("Could you keep your answers concise?", {
      userId: "u1",
      taskId: "task-10",
    });
    expect(recalled[0]?.content).toBe("The user prefers concise answers.");
    // The gateway searches the store directly, for no agent in particular.
    await service.store.search("Could you keep your answers concise?", { userId: "u1" });

    expect(server.received.map((request) => request.path)).toEqual([
      "/v1/chat/completions",
      "/v1/embeddings",
      "/v1/embeddings",
      "/v1/embeddings",
      "/v1/embeddings",
    ]);
    const { rows } = await db.query(
      `SELECT model, prompt_tokens, completion_tokens, cost_usd::float8 AS cost, agent_id, capability, task_id,
              user_id, trace_id FROM llm_usage ORDER BY id`,
    );
    const embedding = (tokens: number) => ({
      model: "text-embedding-3-small",
      prompt_tokens: tokens,
      completion_tokens: 0,
      cost: expect.closeTo((tokens * 0.02) / 1e6, 12),
    });
    const learning = { agent_id: "general-agent", task_id: "task-9", user_id: "u1", trace_id: "trace-9" };
    expect(rows).toEqual([
      expect.objectContaining({
        model: "gpt-4o-mini-2024-07-18",
        capability: "memory-extraction",
        ...learning,
      }),
      { ...embedding(6), capability: "memory-storage", ...learning },
      { ...embedding(11), capability: "memory-storage", ...learning },
      // One query embedding for recall's two searches (similar, then standing preferences).
      {
        ...embedding(7),
        capability: "memory-recall",
        agent_id: "general-agent",
        task_id: "task-10",
        user_id: "u1",
        trace_id: null,
      },
      {
        ...embedding(7),
        capability: "memory-search",
        agent_id: null,
        task_id: null,
        user_id: null,
        trace_id: null,
      },
    ]);
  });

  it("falls back to the rules when the LLM cannot extract", async () => {
    const config = readConfig(memoryConfig, { LLM_BASE_URL: server.baseURL });
    const memory = createMemory({ db, config, llm: createLlm({ config, db, clock }), clock }).forAgent(
      "general-agent",
    );
    const learned = await memory.learn([{ role: "user", content: "My name is Ada." }], { userId: "u1" });
    expect(learned).toMatchObject({
      extractedBy: "rules",
      facts: [{ content: "The user's name is Ada.", kind: "profile" }],
    });
    const { rows } = await db.query("SELECT outcome FROM llm_usage");
    expect(rows).toEqual([{ outcome: "invalid_input" }]);
  });

  it("is switched off for the agents in MEMORY_DISABLED_AGENTS", async () => {
    const service = offline({ MEMORY_DISABLED_AGENTS: "architect, researcher" });
    expect(service.isEnabled("general-agent")).toBe(true);
    const memory = service.forAgent("architect");
    expect(memory.enabled).toBe(false);
    expect(await memory.learn(conversation, { userId: "u1" })).toEqual({
      facts: [],
      remembered: [],
      extractedBy: "rules",
    });
    expect(await memory.remember("The user likes tea.", { userId: "u1" })).toBeUndefined();
    await service.forAgent("general-agent").learn(conversation, { userId: "u1" });
    expect(await memory.recall("concise answers", { userId: "u1" })).toEqual([]);
    expect(await memory.search("concise answers", { agent: "general-agent" })).toEqual([]);
  });
});
