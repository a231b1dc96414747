import { readTask } from "@mesh-six/shared/registry/tasks";
import { type ReplayServer, startReplayServer, streamed } from "@mesh-six/testing/openai";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ChatMesh, chatKey, readKey, startChatMesh } from "./support/chat-mesh.ts";

/**
 * The OpenAI-compatible API through the real `openai` client, unmodified, against the
 * embedded host over HTTP: each chat is a mesh task routed by score to an agent that asks
 * the replay server (an OpenAI-compatible model endpoint).
 */
describe("the OpenAI-compatible API, through the openai client", () => {
  let model: ReplayServer;
  let mesh: ChatMesh;
  let client: OpenAI;
  beforeAll(async () => {
    model = await startReplayServer();
    mesh = await startChatMesh({ LLM_BASE_URL: model.baseURL, LLM_API_KEY: "sk-test" });
    client = new OpenAI({ baseURL: mesh.baseURL, apiKey: chatKey, maxRetries: 0 });
  });
  afterAll(async () => {
    await mesh.stop();
    await model.close();
  });
  afterEach(() => model.reset());

  const taskIdOf = (completionId: string) => completionId.replace(/^chatcmpl-/, "");

  it("answers a chat as a mesh task: the agent's answer, the task's tokens, visible in /tasks and /runs", async () => {
    const answer = await client.chat.completions.create({
      model: "mesh-six",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "What is 2+2?" },
      ],
    });
    expect(answer.object).toBe("chat.completion");
    expect(answer.model).toBe("mesh-six");
    expect(answer.choices).toHaveLength(1);
    expect(answer.choices[0]?.message.role).toBe("assistant");
    expect(answer.choices[0]?.message.content).toContain("4");
    expect(answer.choices[0]?.finish_reason).toBe("stop");
    // the replay fixture's usage, as llm_usage recorded it for the task
    expect(answer.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(answer.usage?.total_tokens).toBe(
      (answer.usage?.prompt_tokens ?? 0) + (answer.usage?.completion_tokens ?? 0),
    );
    const taskId = taskIdOf(answer.id);
    const task = await readTask(mesh.host.db, taskId);
    expect(task).toMatchObject({ status: "succeeded", capability: "general-query" });
    expect(["chat-agent", "rival-agent"]).toContain(task?.agentId);
    expect(task?.payload).toMatchObject({
      query: "What is 2+2?",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "What is 2+2?" },
      ],
    });
    // the caller's system message reached the model after the agent's instructions
    const asked = model.received.at(-1)?.body as { messages: { role: string; content: string }[] };
    expect(asked.messages[0]?.content).toContain("Be brief.");
    const runs = await fetch(`${mesh.baseURL.replace(/\/v1$/, "")}/runs?taskId=${taskId}`, {
      headers: { authorization: `Bearer ${chatKey}` },
    });
    expect(((await runs.json()) as { runs: unknown[] }).runs).toHaveLength(1);
  });

  it("streams the agent's text as the model writes it, then the usage chunk and [DONE]", async () => {
    model.use(
      streamed({
        name: "story",
        match: "tell a story",
        pieces: ["Once ", "upon ", "a ", "time."],
        usage: { promptTokens: 12, completionTokens: 4 },
      }),
    );
    // the model sends its first two pieces, then waits: the client must see them meanwhile
    const held = model.hold("story", 3);
    const stream = await client.chat.completions.create({
      model: "mesh-six/general-query",
      messages: [{ role: "user", content: "Please tell a story" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    let text = "";
    let released = false;
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? "";
      if (!released && text.includes("upon")) {
        // the text came before the model finished: release the rest
        await held.reached;
        held.release();
        released = true;
      }
    }
    expect(released).toBe(true);
    expect(text).toBe("Once upon a time.");
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
    const finish = chunks.findIndex((chunk) => chunk.choices[0]?.finish_reason === "stop");
    expect(finish).toBe(chunks.length - 2);
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toEqual({ prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 });
    // the live text went through the event log as task.progress
    const task = await readTask(mesh.host.db, taskIdOf(usage.id));
    expect(task?.status).toBe("succeeded");
    const { rows } = await mesh.host.db.query<{ n: string | number }>(
      "SELECT count(*) AS n FROM mesh_events WHERE event_type = 'dev.meshsix.task.progress' AND subject = $1 AND kind = 'event.accepted'",
      [usage.id.replace(/^chatcmpl-/, "")],
    );
    expect(Number(rows[0]?.n)).toBeGreaterThanOrEqual(2);
  });

  it("streams without the usage chunk when it is not asked for", async () => {
    const stream = await client.chat.completions.create({
      model: "chat-agent",
      messages: [{ role: "user", content: "What is 2+2?" }],
      stream: true,
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toContain("4");
    expect(chunks.every((chunk) => chunk.choices.length === 1 && chunk.usage === undefined)).toBe(true);
  });

  it("sends a chat to the agent its model names, whatever the scores say", async () => {
    for (const agent of ["chat-agent", "chat-agent", "rival-agent", "chat-agent"]) {
      const answer = await client.chat.completions.create({
        model: agent,
        messages: [{ role: "user", content: "What is 2+2?" }],
      });
      const task = await readTask(mesh.host.db, taskIdOf(answer.id));
      expect(task).toMatchObject({ status: "succeeded", agent, agentId: agent });
    }
  });

  it("refuses what it cannot answer with 400 naming the parameter", async () => {
    const refusal = (request: object) =>
      client.chat.completions.create(request as never).catch((thrown: unknown) => thrown);
    const tooMany = Array.from({ length: 101 }, () => ({ role: "user" as const, content: "hi" }));
    const cases: [object, string][] = [
      [{ model: "mesh-six", messages: tooMany }, "messages"],
      [{ model: "mesh-six", messages: [] }, "messages"],
      [{ messages: [{ role: "user", content: "hi" }] }, "model"],
      [
        {
          model: "mesh-six",
          messages: [
            {
              role: "user",
              content: [
                { type: "text", text: "what is this?" },
                { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
              ],
            },
          ],
        },
        "messages[0].content[1]",
      ],
      [
        { model: "mesh-six", messages: [{ role: "tool", content: "42", tool_call_id: "x" }] },
        "messages[0].role",
      ],
      [{ model: "mesh-six", messages: [{ role: "assistant", content: "hello" }] }, "messages[0]"],
      [{ model: "mesh-six", messages: [{ role: "user", content: "hi" }], n: 2 }, "n"],
      [
        {
          model: "mesh-six",
          messages: [{ role: "user", content: "hi" }],
          tools: [{ type: "function", function: { name: "f", parameters: {} } }],
        },
        "tools",
      ],
      [
        { model: "mesh-six", messages: [{ role: "user", content: "x".repeat(100_001) }] },
        "messages[0].content",
      ],
    ];
    for (const [request, param] of cases) {
      const error = await refusal(request);
      expect(error, param).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error, param).toMatchObject({ status: 400, type: "invalid_request_error", param });
    }
    // text parts are taken, joined
    const parts = await client.chat.completions.create({
      model: "mesh-six",
      messages: [{ role: "user", content: [{ type: "text", text: "What is 2+2?" }] }],
    });
    expect(parts.choices[0]?.message.content).toContain("4");
    const notJson = await fetch(`${mesh.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${chatKey}`, "content-type": "application/json" },
      body: "model=mesh-six&messages=hi",
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { type: "invalid_request_error", param: "body" } });
    // the host's own refusal of a body over 1 MiB, before the gateway sees it, in OpenAI's shape too
    const huge = await fetch(`${mesh.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${chatKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "mesh-six",
        messages: [{ role: "user", content: "x".repeat(1_100_000) }],
      }),
    });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({
      error: { type: "invalid_request_error", code: "request_too_large" },
    });
  });

  it("lists the models: mesh-six, one per capability, one per agent", async () => {
    const ids: string[] = [];
    for await (const each of client.models.list()) ids.push(each.id);
    expect(ids).toEqual([
      "mesh-six",
      "mesh-six/broken-work",
      "mesh-six/general-query",
      "broken-agent",
      "chat-agent",
      "rival-agent",
    ]);
    expect(await client.models.retrieve("mesh-six/general-query")).toMatchObject({
      id: "mesh-six/general-query",
      object: "model",
    });
  });

  it("answers an unknown model with 404 model_not_found", async () => {
    const error = await client.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ status: 404, code: "model_not_found", param: "model" });
    await expect(client.models.retrieve("mesh-six/no-such-capability")).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
  });

  it("refuses a bad or missing key with 401, and a key without write with 403, in OpenAI's shape", async () => {
    const messages = [{ role: "user" as const, content: "What is 2+2?" }];
    const wrong = new OpenAI({ baseURL: mesh.baseURL, apiKey: "sk-not-a-mesh-key-000", maxRetries: 0 });
    const refused = await wrong.chat.completions
      .create({ model: "mesh-six", messages })
      .catch((thrown: unknown) => thrown);
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(refused).toMatchObject({ status: 401, type: "invalid_request_error", code: "invalid_api_key" });
    const missing = await fetch(`${mesh.baseURL}/models`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({
      error: { type: "invalid_request_error", code: "invalid_api_key", param: null },
    });
    const reader = new OpenAI({ baseURL: mesh.baseURL, apiKey: readKey, maxRetries: 0 });
    await expect(reader.chat.completions.create({ model: "mesh-six", messages })).rejects.toBeInstanceOf(
      OpenAI.PermissionDeniedError,
    );
  });

  it("answers an agent's failure with a 5xx in OpenAI's shape, streaming or not", async () => {
    const messages = [{ role: "user" as const, content: "do the broken work" }];
    const failed = await client.chat.completions
      .create({ model: "mesh-six/broken-work", messages })
      .catch((thrown: unknown) => thrown);
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError);
    expect(failed).toMatchObject({ status: 502, type: "server_error", code: "unhandled" });
    expect(String((failed as Error).message)).toContain("the broken agent cannot do this");
    const streamFailed = await client.chat.completions
      .create({ model: "broken-agent", messages, stream: true })
      .catch((thrown: unknown) => thrown);
    expect(streamFailed).toMatchObject({ status: 502, code: "unhandled" });
  });
});

describe("the OpenAI-compatible API's rate limit", () => {
  let mesh: ChatMesh;
  beforeAll(async () => {
    mesh = await startChatMesh({ RATE_LIMIT_PER_MINUTE: "2" });
  });
  afterAll(() => mesh.stop());

  it("answers past the gateway's rate limit with 429, retry-after and OpenAI's shape", async () => {
    const client = new OpenAI({ baseURL: mesh.baseURL, apiKey: chatKey, maxRetries: 0 });
    await client.models.list();
    await client.models.list();
    const limited = await client.models.list().catch((thrown: unknown) => thrown);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited).toMatchObject({ status: 429, type: "requests", code: "rate_limit_exceeded" });
    expect(
      Number((limited as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after")),
    ).toBeGreaterThan(0);
  });
});
