import { migrate } from "@mesh-six/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { llmConfig } from "../config/llm.ts";
import { readConfig } from "../config/read.ts";
import { createPgliteDb } from "../db/pglite.ts";
import type { Db } from "../ports/db.ts";
import { createLlm } from "./create.ts";
import type { LlmMessage, LlmToolSpec } from "./port.ts";

const context = { agentId: "helper", taskId: "t-offline" };
const weather: LlmToolSpec = {
  description: "the weather in a city",
  inputSchema: {
    type: "object",
    properties: { city: { type: "string" }, days: { type: "integer", minimum: 1 } },
    required: ["city", "days"],
  },
};
const search: LlmToolSpec = {
  description: "searches the web",
  inputSchema: { type: "object", properties: { query: { type: "string" } }, required: ["query"] },
};

describe("the offline model with tools, structured output and streaming", () => {
  let db: Db;
  beforeAll(async () => {
    db = await createPgliteDb();
    await migrate(db);
  });
  afterAll(() => db.close());
  const llm = () => createLlm({ config: readConfig(llmConfig, {}), db });

  it("calls the tools the message names, in order, with inputs read off the message", async () => {
    const response = await llm().generate({
      prompt: "Use search and then weather for city: Oslo, days=3",
      tools: { weather, search },
      context,
    });
    expect(response.text).toBe("");
    expect(response.finishReason).toBe("tool-calls");
    expect(response.toolCalls.map(({ name, input }) => ({ name, input }))).toEqual([
      { name: "search", input: { query: "Use search and then weather for city: Oslo, days=3" } },
      { name: "weather", input: { city: "Oslo", days: 3 } },
    ]);
  });

  it("answers after the tool results, saying what each gave, and calls nothing it called already", async () => {
    const messages: LlmMessage[] = [
      { role: "user", content: "What does search say about mesh-six?" },
      {
        role: "assistant",
        content: "",
        toolCalls: [{ id: "c1", name: "search", input: { query: "mesh-six" } }],
      },
      { role: "tool", toolCallId: "c1", toolName: "search", result: { hits: 2 } },
    ];
    const response = await llm().generate({ messages, tools: { search }, context });
    expect(response.toolCalls).toEqual([]);
    expect(response.text).toBe('[offline model] search → {"hits":2}');
  });

  it("calls the first tool when a call is required and none is named", async () => {
    const response = await llm().generate({
      prompt: "go",
      tools: { search, weather },
      toolChoice: "required",
      context,
    });
    expect(response.toolCalls.map((call) => call.name)).toEqual(["search"]);
  });

  it("answers structured output from the schema, stated values first", async () => {
    const response = await llm().generateObject({
      prompt: "Recommend something. risk=high",
      schema: z.object({
        summary: z.string(),
        risk: z.enum(["low", "medium", "high"]),
        stack: z.array(z.string()).min(2),
        approved: z.boolean(),
      }),
      context,
    });
    expect(response.object).toEqual({
      summary:
        '[offline model] No language model is configured, so this is a fixed answer from mesh-six\'s offline model, not a real one. Set LLM_BASE_URL (and LLM_API_KEY) to an OpenAI-compatible endpoint to have "Recommend something. risk=high" answered properly.',
      risk: "high",
      stack: ["[offline model] stack1", "[offline model] stack2"],
      approved: false,
    });
  });

  it("streams its answer piece by piece and records the call once", async () => {
    await db.exec("DELETE FROM llm_usage");
    const pieces: string[] = [];
    const response = await llm().generate({
      prompt: "What is 6*7?",
      onText: (delta) => pieces.push(delta),
      context: { ...context, taskId: "t-stream" },
    });
    expect(response.text).toBe("[offline model] 6*7 = 42");
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join("")).toBe(response.text);
    const { rows } = await db.query<{ outcome: string; completion_tokens: number }>(
      "SELECT outcome, completion_tokens FROM llm_usage WHERE task_id = 't-stream'",
    );
    expect(rows).toEqual([{ outcome: "ok", completion_tokens: response.usage.completionTokens }]);
    expect(response.usage.completionTokens).toBeGreaterThan(0);
  });
});
