import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createOpenAI } from "@ai-sdk/openai";
import { APICallError, generateText, Output, stepCountIs, streamText, tool } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { failure, reply, streamed, structured, toolCalls } from "./build.ts";
import { loadRecordedResponse } from "./fixture.ts";
import { type ReplayServer, startReplayServer } from "./replay-server.ts";

// The AI SDK's own OpenAI client reads every answer: the fixtures are in a shape it parses.
let server: ReplayServer;
let model: ReturnType<ReturnType<typeof createOpenAI>["chat"]>;
beforeAll(async () => {
  server = await startReplayServer();
  model = createOpenAI({ baseURL: server.baseURL, apiKey: "sk-test" }).chat("gpt-4o-mini");
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const weather = tool({
  description: "the weather in a city",
  inputSchema: z.object({ city: z.string() }),
  execute: ({ city }) => (city === "Paris" ? "18 °C, partly cloudy" : "24 °C, sunny"),
});

/** The message of an error answer, in OpenAI's error shape. */
const errorMessage = async (response: Response) =>
  ((await response.json()) as { error: { message: string } }).error.message;

const post = (body: unknown) =>
  fetch(`${server.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("the OpenAI replay server", () => {
  it("answers a plain question with its chat.completion and usage", async () => {
    const result = await generateText({ model, prompt: "What is 2+2?" });
    expect(result.text).toBe("2 + 2 = 4.");
    expect(result.usage).toMatchObject({ inputTokens: 24, outputTokens: 8 });
    expect(server.received[0]).toMatchObject({
      authorization: "Bearer sk-test",
      answeredWith: "chat-completion-arithmetic",
    });
  });

  it("asks for a tool, then answers after the tool message", async () => {
    const result = await generateText({
      model,
      prompt: "What is the weather in Paris?",
      tools: { get_weather: weather },
      stopWhen: stepCountIs(3),
    });
    expect(result.steps[0]?.toolCalls.map((call) => [call.toolName, call.input])).toEqual([
      ["get_weather", { city: "Paris" }],
    ]);
    expect(result.text).toBe("It is 18 °C and partly cloudy in Paris.");
    const [first, second] = server.received;
    expect(first?.answeredWith).toBe("chat-completion-tool-call");
    expect(second?.answeredWith).toBe("chat-completion-tool-result");
    expect(second?.body.messages?.at(-1)).toMatchObject({ role: "tool", content: "18 °C, partly cloudy" });
  });

  it("asks for two tools at once, then compares their results", async () => {
    const result = await generateText({
      model,
      prompt: "Compare the weather in Paris and Tokyo",
      tools: { get_weather: weather },
      stopWhen: stepCountIs(3),
    });
    expect(result.steps[0]?.toolCalls.map((call) => call.input)).toEqual([
      { city: "Paris" },
      { city: "Tokyo" },
    ]);
    expect(result.text).toContain("Tokyo is warmer");
    expect(server.received.map((request) => request.answeredWith)).toEqual([
      "chat-completion-parallel-tool-calls",
      "chat-completion-parallel-tool-results",
    ]);
  });

  it("answers response_format json_schema with the object as JSON content", async () => {
    const plan = z.object({
      summary: z.string(),
      risk: z.enum(["low", "medium", "high"]),
      steps: z.array(z.string()),
    });
    const result = await generateText({
      model,
      prompt: "Plan the deployment of api 1.5.0",
      output: Output.object({ schema: plan }),
    });
    expect(result.output).toMatchObject({
      risk: "low",
      steps: expect.arrayContaining(["promote to every replica"]),
    });
    expect(server.received[0]?.body.response_format).toMatchObject({ type: "json_schema" });
  });

  it("streams chat.completion.chunk events ending in [DONE], with the usage chunk when asked", async () => {
    const result = streamText({ model, prompt: "What is 2+2?" });
    expect(await result.text).toBe("2 + 2 = 4.");
    expect(await result.usage).toMatchObject({ inputTokens: 24, outputTokens: 8 });
    expect(server.received[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });

    const raw = await (
      await post({
        model: "gpt-4o-mini",
        stream: true,
        messages: [{ role: "user", content: "What is 2+2?" }],
      })
    ).text();
    const events = raw.split("\n\n").filter(Boolean);
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.replace(/^data: /, "")));
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk" && !("usage" in chunk))).toBe(
      true,
    );
    expect(chunks.every((chunk) => chunk.choices.length === 1)).toBe(true);
  });

  it("streams a tool call in pieces, then the answer after the tool message", async () => {
    const result = streamText({
      model,
      prompt: "What is the weather in Paris?",
      tools: { get_weather: weather },
      stopWhen: stepCountIs(3),
    });
    expect(await result.text).toBe("It is 18 °C and partly cloudy in Paris.");
    expect((await result.steps)[0]?.toolCalls.map((call) => call.input)).toEqual([{ city: "Paris" }]);
    expect(server.received.map((request) => request.answeredWith)).toEqual([
      "stream-tool-call",
      "stream-tool-result",
    ]);
  });

  it("sends the errors as written: 429 with retry-after, 500, 400", async () => {
    const failed = async (prompt: string) => {
      const error = await generateText({ model, prompt, maxRetries: 0 }).catch((caught: unknown) => caught);
      expect(APICallError.isInstance(error)).toBe(true);
      return error as APICallError;
    };
    const limited = await failed("please rate limit me");
    expect(limited).toMatchObject({ statusCode: 429, isRetryable: true });
    expect(limited.responseHeaders?.["retry-after"]).toBe("20");
    expect(await failed("fail on the server")).toMatchObject({ statusCode: 500, isRetryable: true });
    expect(await failed("too long for the context")).toMatchObject({ statusCode: 400, isRetryable: false });
    // an error answers a streamed request too, as a JSON body
    const streamedError = await post({
      stream: true,
      messages: [{ role: "user", content: "fail on the server" }],
    });
    expect(streamedError.status).toBe(500);
    expect(await streamedError.json()).toMatchObject({ error: { type: "server_error" } });
  });

  it("takes a test's own fixtures first, built in code, until reset", async () => {
    server.use(
      reply({ match: "What is 2+2?", content: "Four.", usage: { promptTokens: 3, completionTokens: 1 } }),
      toolCalls({ match: "restart api", calls: [{ name: "restart", arguments: { service: "api" } }] }),
      reply({ match: { text: "restart api", lastRole: "tool" }, content: "Restarted." }),
      structured({ match: "rate this", object: { score: 7 } }),
      streamed({ match: "count to three", pieces: ["one", " two", " three"] }),
      failure({
        match: "overloaded",
        status: 503,
        type: "server_error",
        message: "The engine is currently overloaded.",
      }),
    );
    expect((await generateText({ model, prompt: "What is 2+2?" })).usage).toMatchObject({ inputTokens: 3 });
    const restarted = await generateText({
      model,
      prompt: "restart api please",
      tools: { restart: tool({ inputSchema: z.object({ service: z.string() }), execute: () => "ok" }) },
      stopWhen: stepCountIs(3),
    });
    expect(restarted.text).toBe("Restarted.");
    const rated = await generateText({
      model,
      prompt: "rate this",
      output: Output.object({ schema: z.object({ score: z.number() }) }),
    });
    expect(rated.output).toEqual({ score: 7 });
    expect(await streamText({ model, prompt: "count to three" }).text).toBe("one two three");
    expect((await post({ messages: [{ role: "user", content: "overloaded" }] })).status).toBe(503);

    server.reset();
    expect((await generateText({ model, prompt: "What is 2+2?" })).text).toBe("2 + 2 = 4.");
  });

  it("plays a script of named answers in turn, then matches as usual", async () => {
    server.script("What is 2+2?", ["error-429-tokens-per-minute"]);
    expect((await post({ messages: [{ role: "user", content: "What is 2+2?" }] })).status).toBe(429);
    expect((await post({ messages: [{ role: "user", content: "What is 2+2?" }] })).status).toBe(200);
    expect(() => server.script("x", ["no-such-fixture"])).toThrow(
      /no fixture named no-such-fixture; it has: .*chat-completion-arithmetic/,
    );
  });

  it("says what it lacks: an unknown question, a streamed question with only a plain answer, bad JSON, other paths", async () => {
    const unknown = await post({ messages: [{ role: "user", content: "Who are you?" }] });
    expect(unknown.status).toBe(404);
    expect(await errorMessage(unknown)).toMatch(/no fixture for "Who are you\?".*add one with server\.use/);
    const notStreamed = await post({
      stream: true,
      messages: [{ role: "user", content: "Kafka-backed Knative Broker" }],
    });
    expect(await errorMessage(notStreamed)).toContain("stream: true");
    const bad = await post("{not json");
    expect(bad.status).toBe(400);
    expect(await errorMessage(bad)).toContain("could not parse the JSON body");
    const elsewhere = await fetch(`${server.baseURL}/models`);
    expect(elsewhere.status).toBe(404);
  });

  it("refuses fixtures that do not say where they come from or how they answer", () => {
    const dir = mkdtempSync(join(tmpdir(), "replay-fixtures-"));
    try {
      const write = (name: string, fixture: unknown) => {
        writeFileSync(join(dir, name), JSON.stringify(fixture));
        return pathToFileURL(join(dir, name));
      };
      const answer = { description: "x", match: "x", status: 200, headers: {}, body: {} };
      expect(() => loadRecordedResponse(write("bare.json", answer))).toThrow(
        /bare\.json has no "provenance"/,
      );
      expect(() =>
        loadRecordedResponse(write("both.json", { ...answer, provenance: "hand-written", chunks: [] })),
      ).toThrow(/exactly one of "body".*"chunks"/);
      expect(() =>
        loadRecordedResponse(
          write("odd.json", { ...answer, provenance: "hand-written", match: { txt: "x" } }),
        ),
      ).toThrow(/unknown criteria txt; known: text, tools/);
      expect(() => server.use({ ...answer, name: "inline", provenance: "" })).toThrow(
        /inline has no "provenance"/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
