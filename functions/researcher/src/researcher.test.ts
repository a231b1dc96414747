import type { Db } from "@mesh-six/shared/ports/db";
import { createTestDb, llmUsageOf, stepsOf, testFunction, withMemory } from "@mesh-six/testing";
import { type ReplayServer, startReplayServer, structured, toolCalls } from "@mesh-six/testing/openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ResearchResult } from "./answer.ts";
import { createResearcher, researcher } from "./index.ts";
import { researchDoubles, searxngEnv } from "./testing.ts";

describe("researcher offline (the offline model calls the tools the prompt names)", () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db.close());

  it("with no search provider says so and cites nothing", async () => {
    const agent = await testFunction(researcher, { db, ...withMemory(db) });
    const task = await agent.task({
      query: "How does the Knative Kafka broker order events?",
      depth: "quick",
    });
    expect(task.status).toBe("succeeded");
    const result = task.result as ResearchResult;
    expect(result).toMatchObject({ searchConfigured: false, sources: [], consulted: [], depth: "quick" });
    expect(result.limitations.join(" ")).toMatch(/No web search provider is configured/);
    expect(result.summary).toMatch(/^\[offline model\]/);
    expect((await stepsOf(db, task)).map((step) => step.name)).toEqual([
      "recall",
      "turn",
      "tool web_search",
      "tool docs_search",
      "tool past_research",
      "turn#2",
      "remember findings",
    ]);
  });

  it("searches SearXNG and the docs sites, analyses the repository, and stores the findings with their sources for every agent", async () => {
    const doubles = researchDoubles();
    const agent = await testFunction(createResearcher({ fetch: doubles.fetch }), {
      db,
      env: searxngEnv,
      ...withMemory(db, searxngEnv),
    });
    const task = await agent.task(
      { topic: "knative kafka broker", repository: "octokit-fixture-org/hello-world", depth: "standard" },
      { capability: "technical-research" },
    );
    expect(task.status).toBe("succeeded");
    const result = task.result as ResearchResult;
    expect(result.searchConfigured).toBe(true);
    expect(result.consulted.map((source) => source.url)).toEqual([
      "https://knative.dev/docs/eventing/brokers/broker-types/kafka-broker/",
      "https://github.com/knative-extensions/eventing-kafka-broker",
      "https://knative.dev/docs/eventing/brokers/broker-types/kafka-broker/configuring-kafka-broker/",
      "https://github.com/octokit-fixture-org/hello-world",
    ]);
    // docs_search restricted the provider to DOCS_SITES
    expect(doubles.search.queries[1]).toMatch(
      /^knative kafka broker \(site:kubernetes\.io OR site:knative\.dev/,
    );
    expect(result.remembered).toHaveLength(1);

    // a later task finds them through past_research, sources included
    const again = await agent.task({ query: "knative kafka broker", depth: "quick" });
    const past = (await stepsOf(db, again)).find((step) => step.name === "tool past_research");
    expect(past?.status).toBe("succeeded");
    const consulted = (again.result as ResearchResult).consulted.map((source) => source.url);
    expect(consulted).toContain("https://github.com/octokit-fixture-org/hello-world");
  });

  it("refuses a bad payload naming the field", async () => {
    const agent = await testFunction(researcher, { db, ...withMemory(db) });
    const task = await agent.task({ query: "x", depth: "deep" });
    expect(task).toMatchObject({ status: "failed", error: { type: "invalid_input" } });
    expect(task.error?.message).toMatch(/^payload\.depth:/);
    const missing = await agent.task({ depth: "quick" });
    expect(missing.error?.message).toMatch(/payload\.query: is missing/);
  });
});

describe("researcher against the replay server (tool-call fixtures)", () => {
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

  const env = () => ({
    ...searxngEnv,
    LLM_BASE_URL: server.baseURL,
    LLM_API_KEY: "sk-test",
    LLM_MODEL_LOCAL: "llama3.2",
    LLM_MODEL_MID: "gpt-4o-mini",
    LLM_MODEL_STRONG: "gpt-4o",
  });
  const digging = [{ name: "web_search", arguments: { query: "kafka ordering" } }];
  const answer = {
    summary: "Ordering holds per partition.",
    findings: [
      {
        statement: "The Kafka broker delivers in order per partition for ordered triggers.",
        sources: [
          "https://knative.dev/docs/eventing/brokers/broker-types/kafka-broker/",
          "https://invented.example/x",
        ],
      },
    ],
    sources: [
      {
        title: "Knative Kafka Broker",
        url: "https://knative.dev/docs/eventing/brokers/broker-types/kafka-broker/",
      },
      { title: "Made up", url: "https://invented.example/x" },
    ],
    confidence: 0.7,
    limitations: [],
  };
  const keepDigging = () =>
    server.use(
      toolCalls({ match: "keep digging", calls: digging }),
      toolCalls({ match: { text: "keep digging", lastRole: "tool" }, calls: digging }),
      structured({ match: "keep digging", object: answer }),
    );

  it.each([
    ["quick", 2],
    ["standard", 4],
    ["comprehensive", 8],
  ] as const)("depth %s bounds the tool loop at %i turns, the last one answering", async (depth, turns) => {
    keepDigging();
    const doubles = researchDoubles();
    const agent = await testFunction(createResearcher({ fetch: doubles.fetch }), {
      db,
      env: env(),
      ...withMemory(db, env()),
    });
    const task = await agent.task({ query: "keep digging into kafka ordering", depth });
    expect(task.status).toBe("succeeded");
    const names = (await stepsOf(db, task)).map((step) => step.name);
    expect(names.filter((name) => name.startsWith("turn"))).toHaveLength(turns);
    expect(names.filter((name) => name.startsWith("tool web_search"))).toHaveLength(turns - 1);
    const requests = server.received.map((request) => request.body);
    expect(requests.at(-1)?.tools).toBeUndefined();
    expect(requests.slice(0, -1).every((body) => Array.isArray(body?.tools))).toBe(true);
  });

  it("removes a source no tool returned and stores the verified finding", async () => {
    keepDigging();
    const agent = await testFunction(createResearcher({ fetch: researchDoubles().fetch }), {
      db,
      env: env(),
      ...withMemory(db, env()),
    });
    const task = await agent.task({ query: "keep digging", depth: "quick" });
    const result = task.result as ResearchResult;
    expect(result.unverified).toEqual(["https://invented.example/x"]);
    expect(result.sources.map((source) => source.url)).toEqual([
      "https://knative.dev/docs/eventing/brokers/broker-types/kafka-broker/",
    ]);
    expect(result.findings[0]?.sources).toEqual([
      "https://knative.dev/docs/eventing/brokers/broker-types/kafka-broker/",
    ]);
    expect(result.limitations).toContain("1 cited URL(s) no tool returned were removed");
    const stored = await db.query<{
      content: string;
      metadata: { sources: string[] };
      user_id: string | null;
    }>("select content, metadata, user_id from memories where id = $1", [result.remembered[0]]);
    expect(stored.rows[0]).toMatchObject({
      user_id: null,
      metadata: { sources: ["https://knative.dev/docs/eventing/brokers/broker-types/kafka-broker/"] },
    });
    expect(stored.rows[0]?.content).toMatch(/^The Kafka broker delivers in order/);
  });

  it.each([
    ["low", "llama3.2"],
    ["medium", "gpt-4o-mini"],
    ["high", "gpt-4o"],
  ] as const)("complexity %s asks the %s tier's model", async (complexity, model) => {
    keepDigging();
    const agent = await testFunction(createResearcher({ fetch: researchDoubles().fetch }), {
      db,
      env: env(),
      ...withMemory(db, env()),
    });
    const task = await agent.task({ query: "keep digging", depth: "quick", complexity });
    expect(task.status).toBe("succeeded");
    expect(server.received.map((request) => request.body?.model)).toEqual([model, model]);
    expect((await llmUsageOf(db, task)).map((row) => row.step)).toEqual(["turn", "turn#2"]);
  });
  it.each([
    ["deep-research", "compare viewpoints"],
    ["technical-research", "prefer official documentation"],
    ["market-analysis", "Analyse the market"],
  ] as const)("%s gets its own instructions", async (capability, words) => {
    keepDigging();
    const agent = await testFunction(createResearcher({ fetch: researchDoubles().fetch }), {
      db,
      env: env(),
      ...withMemory(db, env()),
    });
    const task = await agent.task({ query: "keep digging", depth: "quick" }, { capability });
    expect(task.status).toBe("succeeded");
    expect(JSON.stringify(server.received[0]?.body?.messages?.[0])).toContain(words);
  });
});
