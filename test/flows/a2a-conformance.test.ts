import { TaskState } from "@a2a-js/sdk";
import { LegacyJsonRpcTransport } from "@a2a-js/sdk/compat/v0_3/client";
import type { EmbeddedHost } from "@mesh-six/shared/host/embedded";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataDir, fetchOf, keyOf, origin, removeDataDirs, send, start } from "./support/a2a.ts";

// biome-ignore lint/suspicious/noExplicitAny: raw protocol JSON, checked field by field by the assertions
type Wire = any;

/**
 * The a2a-tck's mandatory scenarios (tests/mandatory/…), written as raw JSON-RPC and HTTP+JSON
 * requests from the v1.0 specification, the way the TCK sends them: no A2A-Version header
 * unless a scenario sets one.
 */
describe("A2A conformance (the a2a-tck's mandatory scenarios)", () => {
  let host: EmbeddedHost;
  beforeAll(async () => {
    host = await start(dataDir());
  });
  afterAll(async () => {
    await host.stop();
    removeDataDirs();
  });

  let next = 1;
  async function post(path: string, body: string, headers: Record<string, string> = {}, key = "ops") {
    const response = await host.fetch(
      new Request(`${origin}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${keyOf(key)}`, ...headers },
        body,
      }),
    );
    return { status: response.status, json: (await response.json()) as Record<string, Wire> };
  }
  const rpc = async (method: string, params: unknown, headers: Record<string, string> = {}, key = "ops") => {
    const id = next++;
    const { status, json } = await post(
      "/a2a",
      JSON.stringify({ jsonrpc: "2.0", id, method, params }),
      headers,
      key,
    );
    expect(status).toBe(200);
    expect(json.id).toBe(id);
    return json;
  };
  const textMessage = (text: string, extra: Record<string, unknown> = {}) => ({
    message: { messageId: crypto.randomUUID(), role: "ROLE_USER", parts: [{ text }], ...extra },
  });
  const waitingTask = async (capability = "ask-service") =>
    (await rpc("SendMessage", { ...textMessage("restart", { metadata: { capability } }) })).result.task;

  describe("JSON-RPC 2.0 (test_json_rpc_compliance, test_protocol_violations)", () => {
    it("answers malformed JSON with -32700", async () => {
      const { status, json } = await post(
        "/a2a",
        '{"jsonrpc": "2.0", "method": "SendMessage", "params": {"foo": "bar"}',
      );
      expect(status).toBe(200);
      expect(json.error.code).toBe(-32700);
    });

    it.each([
      [{ jsonrpc: "aaa", method: "SendMessage", params: {} }, -32600],
      [{ jsonrpc: "2.0", params: {} }, -32600],
      [{ jsonrpc: "2.0", method: "SendMessageXXX", id: "3", params: {} }, -32601],
      [{ jsonrpc: "2.0", method: "SendMessage", params: {}, id: { bad: "type" } }, -32600],
      [{ jsonrpc: "2.0", method: "SendMessage", id: "4", params: { "": "not_a_dict" } }, -32602],
      [{ jsonrpc: "2.0", id: "5", method: "nonexistent/method", params: {} }, -32601],
      [{ jsonrpc: "2.0", id: "6", method: "SendMessage", params: { message: { parts: "invalid" } } }, -32602],
      [{ jsonrpc: "2.0", id: "7", method: "SendMessage", params: { message: { kind: "message" } } }, -32602],
      [[{ jsonrpc: "2.0", id: "8", method: "GetTask", params: { id: "x" } }], -32600],
    ])("answers %j with %i, as HTTP 200", async (request, code) => {
      const { status, json } = await post("/a2a", JSON.stringify(request));
      expect(status).toBe(200);
      expect(json.error.code).toBe(code);
      expect(typeof json.error.message).toBe("string");
    });
  });

  describe("error messages (test_error_response_completeness, test_error_consistency_across_methods)", () => {
    it.each([
      ["completely/invalid/method", {}, {}, -32601, ["method", "not found", "invalid"]],
      [
        "NoSuchMethod",
        {},
        { "A2A-Version": "1.0" },
        -32601,
        ["not found", "SendMessage, SendStreamingMessage"],
      ],
      ["tasks/get", {}, {}, -32602, ["id", "required", "missing"]],
      ["tasks/get", { id: { invalid: "object" } }, {}, -32602, ["id", "invalid", "string"]],
      ["GetTask", { id: 42 }, {}, -32602, ["params.id", "string"]],
      ["CancelTask", {}, { "A2A-Version": "1.0" }, -32602, ["params.id is required"]],
    ])(
      "answers %s %j with %i, its message naming what is wrong",
      async (method, params, headers, code, words) => {
        const json = await rpc(method as string, params, headers as Record<string, string>);
        expect(json.error.code).toBe(code);
        for (const word of words as string[])
          expect(json.error.message.toLowerCase()).toContain(word.toLowerCase());
      },
    );
  });

  describe("request ids (test_duplicate_request_ids)", () => {
    const raw = (text: string) => post("/a2a", text);

    it("answers two requests with the same id each on its own, with that id (the tck's retry: same messageId, so the same task)", async () => {
      const params = textMessage("What is 2+2?");
      const first = await raw(
        JSON.stringify({ jsonrpc: "2.0", id: "duplicate-1", method: "SendMessage", params }),
      );
      params.message.parts = [{ text: "This is a different message with the same ID" }];
      const second = await raw(
        JSON.stringify({ jsonrpc: "2.0", id: "duplicate-1", method: "SendMessage", params }),
      );
      for (const each of [first, second]) {
        expect(each.json).toMatchObject({
          jsonrpc: "2.0",
          id: "duplicate-1",
          result: { task: expect.anything() },
        });
      }
      expect(second.json.result.task.id).toBe(first.json.result.task.id);
      expect(second.json.result.task.history).toHaveLength(1);
      const other = await raw(
        JSON.stringify({
          jsonrpc: "2.0",
          id: "duplicate-1",
          method: "SendMessage",
          params: textMessage("What is 2+2?"),
        }),
      );
      expect(other.json).toMatchObject({ id: "duplicate-1", result: { task: expect.anything() } });
      expect(other.json.result.task.id).not.toBe(first.json.result.task.id);
      const together = await Promise.all(
        [1, 2, 3].map(() =>
          raw(
            JSON.stringify({
              jsonrpc: "2.0",
              id: 7,
              method: "GetTask",
              params: { id: first.json.result.task.id },
            }),
          ),
        ),
      );
      for (const each of together)
        expect(each.json).toMatchObject({ id: 7, result: { id: first.json.result.task.id } });
    });

    it("takes the same messageId again as a retry: one task, also when both arrive at once; another caller's is its own", async () => {
      const params = { ...textMessage("restart", { metadata: { capability: "ask-service" } }) };
      const body = (id: number) => JSON.stringify({ jsonrpc: "2.0", id, method: "SendMessage", params });
      const [a, b] = await Promise.all([raw(body(1)), raw(body(2))]);
      expect(a.json.result.task.id).toBe(b.json.result.task.id);
      expect(
        (await rpc("ListTasks", { status: "TASK_STATE_INPUT_REQUIRED" })).result.tasks.filter(
          (task: Wire) => task.id === a.json.result.task.id,
        ),
      ).toHaveLength(1);
      const ada = await post("/a2a", body(3), {}, "ada");
      const bob = await post("/a2a", body(4), {}, "bob");
      expect(new Set([a.json.result.task.id, ada.json.result.task.id, bob.json.result.task.id]).size).toBe(3);
      const viaAgent = await post("/a2a/agents/asker", body(5));
      expect(viaAgent.json.result.task.id).not.toBe(a.json.result.task.id);
    });

    it.each([[""], [0], [-7], ["x".repeat(500)], [null], [Number.MAX_SAFE_INTEGER]])(
      "echoes the id %j exactly",
      async (id) => {
        const { status, json } = await raw(
          JSON.stringify({ jsonrpc: "2.0", id, method: "GetTask", params: { id: "no-such-task" } }),
        );
        expect(status).toBe(200);
        expect(json).toMatchObject({ jsonrpc: "2.0", error: { code: -32001 } });
        expect(json.id).toStrictEqual(id);
      },
    );

    it("refuses ids it could not echo (a fraction, a number beyond 2^53) with -32600 and id null", async () => {
      for (const [id, words] of [
        ["1.5", "id must be a string, a whole number or null"],
        ["12345678901234567890", "send it as a string"],
      ]) {
        const { status, json } = await raw(
          `{"jsonrpc": "2.0", "id": ${id}, "method": "GetTask", "params": {"id": "x"}}`,
        );
        expect(status).toBe(200);
        expect(json).toMatchObject({ id: null, error: { code: -32600 } });
        expect(json.error.message).toContain(words);
      }
    });

    it("carries out a notification (no id) without answering it: 204, no body, the task started", async () => {
      const contextId = crypto.randomUUID();
      const response = await host.fetch(
        new Request(`${origin}/a2a`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${keyOf("ops")}` },
          body: JSON.stringify({
            jsonrpc: "2.0",
            method: "SendMessage",
            params: {
              ...textMessage("What is 3+3?", { contextId }),
              configuration: { returnImmediately: true },
            },
          }),
        }),
      );
      expect(response.status).toBe(204);
      expect(await response.text()).toBe("");
      expect((await rpc("ListTasks", { contextId })).result.totalSize).toBe(1);
      const failing = await host.fetch(
        new Request(`${origin}/a2a`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${keyOf("ops")}` },
          body: JSON.stringify({ jsonrpc: "2.0", method: "GetTask", params: { id: "no-such-task" } }),
        }),
      );
      expect(failing.status).toBe(204);
      const unsupported = await host.fetch(
        new Request(`${origin}/a2a`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${keyOf("ops")}`,
            "A2A-Version": "9.9",
          },
          body: JSON.stringify({ jsonrpc: "2.0", method: "GetTask", params: {} }),
        }),
      );
      expect(unsupported.status).toBe(204);
      expect(await unsupported.text()).toBe("");
      // an invalid request is no notification: it is answered
      const invalid = await raw(JSON.stringify({ jsonrpc: "1.0", method: "GetTask", params: { id: "x" } }));
      expect(invalid.json).toMatchObject({ id: null, error: { code: -32600 } });
    });
  });

  describe("content types (test_content_type_not_supported_error_32005, _enhanced)", () => {
    const incompatible = (json: Wire) => {
      expect(json.error.code).toBe(-32005);
      expect(json.error.message.toLowerCase()).toMatch(/incompatible content type.*not supported/);
    };

    it("refuses a file part of a media type the agent does not take, and output modes it never writes", async () => {
      const file = {
        role: "ROLE_USER",
        messageId: crypto.randomUUID(),
        parts: [
          { text: "Please process this file" },
          {
            raw: "VGVzdCBkYXRh",
            filename: "test.unsupported",
            mediaType: "application/x-totally-unsupported-format",
          },
        ],
      };
      incompatible(await rpc("SendMessage", { message: file }));
      incompatible(
        await rpc("SendMessage", {
          ...textMessage("Generate output in unsupported format"),
          configuration: { acceptedOutputModes: ["application/x-completely-unsupported-output-format"] },
        }),
      );
      incompatible(
        await rpc("SendMessage", {
          message: file,
          configuration: {
            acceptedOutputModes: ["application/x-non-existent-format", "text/x-impossible-format"],
          },
        }),
      );
      incompatible(
        await rpc("SendMessage", {
          message: { ...file, parts: [{ text: "# notes", mediaType: "text/markdown" }] },
        }),
      );
    });

    it("checks the skill's modes, on a follow-up message too, and takes what they cover", async () => {
      const task = await waitingTask();
      incompatible(
        await rpc("SendMessage", {
          message: {
            ...textMessage("x").message,
            taskId: task.id,
            parts: [{ url: "https://example.com/a.pdf" }],
          },
        }),
      );
      const done = await rpc("SendMessage", {
        ...textMessage("What is 2+2?"),
        configuration: { acceptedOutputModes: ["text/plain"] },
      });
      expect(done.result.task.status.state).toBe("TASK_STATE_COMPLETED");
      const typed = await rpc("SendMessage", {
        message: {
          ...textMessage("x").message,
          parts: [{ text: "What is 2+2?", mediaType: "text/plain; charset=utf-8" }],
        },
        configuration: { acceptedOutputModes: ["*/*"] },
      });
      expect(typed.result.task.status.state).toBe("TASK_STATE_COMPLETED");
    });

    it("refuses before a stream opens, in v0.3's shapes too, and on HTTP+JSON as 400 CONTENT_TYPE_NOT_SUPPORTED", async () => {
      const bad = { ...textMessage("x"), configuration: { acceptedOutputModes: ["image/png"] } };
      incompatible(await rpc("SendStreamingMessage", bad));
      const legacy = await rpc(
        "message/send",
        {
          message: {
            kind: "message",
            messageId: crypto.randomUUID(),
            role: "user",
            parts: [{ kind: "text", text: "x" }],
          },
          configuration: { acceptedOutputModes: ["image/png"] },
        },
        { "A2A-Version": "0.3" },
      );
      incompatible(legacy);
      const response = await host.fetch(
        new Request(`${origin}/a2a/v1/message:send`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${keyOf("ops")}` },
          body: JSON.stringify(bad),
        }),
      );
      expect(response.status).toBe(400);
      const json = (await response.json()) as Wire;
      expect(json.error.details[0]).toMatchObject({ reason: "CONTENT_TYPE_NOT_SUPPORTED" });
    });
  });

  describe("agent card (test_agent_card, test_agent_card_mandatory, test_agent_card_security)", () => {
    it("is public and has every mandatory field with its type", async () => {
      const response = await host.fetch(new Request(`${origin}/.well-known/agent-card.json`));
      expect(response.status).toBe(200);
      const card = (await response.json()) as Record<string, Wire>;
      for (const field of ["name", "description", "version"]) expect(typeof card[field]).toBe("string");
      expect(card.supportedInterfaces.length).toBeGreaterThan(0);
      for (const entry of card.supportedInterfaces) expect(entry.url).toMatch(/^http:\/\/mesh\.test\/a2a/);
      expect(typeof card.capabilities.streaming).toBe("boolean");
      expect(card.defaultInputModes).toContain("text/plain");
      expect(card.defaultOutputModes.length).toBeGreaterThan(0);
      for (const skill of card.skills) {
        expect(skill).toMatchObject({
          id: expect.any(String),
          name: expect.any(String),
          description: expect.any(String),
        });
        expect(skill.tags.length).toBeGreaterThan(0);
      }
      // it names how to authenticate, never a key
      expect(JSON.stringify(card)).not.toContain(keyOf("ops"));
      expect(Object.keys(card.securitySchemes)).toEqual(
        card.securityRequirements.flatMap((each: Wire) => Object.keys(each.schemes)),
      );
    });

    it("declares the extended card, which GetExtendedAgentCard answers (test_extended_agent_card_response_format)", async () => {
      const card = (await (
        await host.fetch(new Request(`${origin}/.well-known/agent-card.json`))
      ).json()) as Wire;
      expect(card.capabilities.extendedAgentCard).toBe(true);
      const extended = (await rpc("GetExtendedAgentCard", {})).result;
      for (const field of ["name", "description", "supportedInterfaces", "version", "capabilities"]) {
        expect(extended[field]).toEqual(expect.anything());
      }
      expect(extended.skills.map((skill: Wire) => skill.id)).toEqual(
        card.skills.map((skill: Wire) => skill.id),
      );
    });
  });

  describe("authentication (test_auth_enforcement)", () => {
    it("refuses calls without a key or with a wrong one (401, WWW-Authenticate)", async () => {
      for (const authorization of [undefined, "Bearer not-a-key-of-this-mesh"]) {
        const response = await host.fetch(
          new Request(`${origin}/a2a`, {
            method: "POST",
            headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
            body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "GetTask", params: { id: "x" } }),
          }),
        );
        expect(response.status).toBe(401);
        expect(response.headers.get("www-authenticate")).toContain("Bearer");
      }
    });

    it("refuses SendMessage to a read-only key with 403 naming the write scope", async () => {
      const { status, json } = await post(
        "/a2a",
        JSON.stringify({ jsonrpc: "2.0", id: 1, method: "SendMessage", params: textMessage("2+2?") }),
        {},
        "reader",
      );
      expect(status).toBe(403);
      expect(json.error).toContain("lacks the scope 'write', which the A2A method SendMessage needs");
    });
  });

  describe("SendMessage, GetTask, CancelTask (test_message_send_method, test_tasks_get_method, test_tasks_cancel_method)", () => {
    it("sends a text message and gets a task in an allowed state, then reads it by id", async () => {
      const sent = await rpc("SendMessage", textMessage("What is 2+2?"));
      expect(sent.result.task.status.state).toBe("TASK_STATE_COMPLETED");
      const read = await rpc("GetTask", { id: sent.result.task.id });
      expect(read.result).toMatchObject({
        id: sent.result.task.id,
        status: { state: "TASK_STATE_COMPLETED" },
      });
      expect(read.result.artifacts[0].parts[0].text).toContain("4");
    });

    it("answers an unknown task with -32001 on GetTask and CancelTask", async () => {
      expect((await rpc("GetTask", { id: "no-such-task" })).error.code).toBe(-32001);
      expect((await rpc("CancelTask", { id: "no-such-task" })).error.code).toBe(-32001);
    });

    it("keeps the history and limits it with historyLength (test_task_history_length)", async () => {
      const task = await waitingTask();
      await rpc("SendMessage", textMessage("shop", { taskId: task.id }));
      const full = await rpc("GetTask", { id: task.id });
      expect(full.result.history).toHaveLength(2);
      const limited = await rpc("GetTask", { id: task.id, historyLength: 1 });
      expect(limited.result.history.map((each: Wire) => each.parts[0].text)).toEqual(["shop"]);
      expect((await rpc("GetTask", { id: task.id, historyLength: 10 })).result.history).toHaveLength(2);
      expect((await rpc("GetTask", { id: task.id, historyLength: -1 })).error.code).toBe(-32602);
    });

    it("cancels a task under way (CANCELED) and refuses a finished one with -32002", async () => {
      const task = await waitingTask();
      const canceled = await rpc("CancelTask", { id: task.id });
      expect(canceled.result).toMatchObject({ id: task.id, status: { state: "TASK_STATE_CANCELED" } });
      expect((await rpc("CancelTask", { id: task.id })).error.code).toBe(-32002);
    });

    it("refuses a message to a finished task, and a subscription to one, with UnsupportedOperation (-32004)", async () => {
      const done = (await rpc("SendMessage", textMessage("What is 5+5?"))).result.task;
      expect((await rpc("SendMessage", textMessage("and 6+6?", { taskId: done.id }))).error.code).toBe(
        -32004,
      );
      expect((await rpc("SubscribeToTask", { id: done.id })).error.code).toBe(-32004);
    });

    it("returns at once with returnImmediately (SUBMITTED or WORKING)", async () => {
      const sent = await rpc("SendMessage", {
        ...textMessage("What is 7+7?"),
        configuration: { returnImmediately: true },
      });
      expect(["TASK_STATE_SUBMITTED", "TASK_STATE_WORKING"]).toContain(sent.result.task.status.state);
    });

    it("has no push notifications: their methods are -32003", async () => {
      const task = await waitingTask();
      const created = await rpc("CreateTaskPushNotificationConfig", {
        taskId: task.id,
        url: "https://example.com/hook",
      });
      expect(created.error.code).toBe(-32003);
    });
  });

  describe("in-task authorization (test_in_task_authentication)", () => {
    it("waits in AUTH_REQUIRED for a person's approval, and continues when the caller's message approves", async () => {
      const task = await waitingTask("delete-branch");
      expect(task.status.state).toBe("TASK_STATE_AUTH_REQUIRED");
      expect(task.status.message.parts[0].text).toContain("approval needed: delete branch restart");
      // a key without the approve scope cannot decide it
      const refused = await rpc("SendMessage", textMessage("approved", { taskId: task.id }), {}, "writer");
      expect(refused.error).toMatchObject({
        code: -32004,
        message: expect.stringContaining("lacks the scope 'approve'"),
      });
      const unclear = await rpc("SendMessage", textMessage("maybe later", { taskId: task.id }));
      expect(unclear.error.code).toBe(-32602);
      const approved = await rpc("SendMessage", textMessage("approved, it is merged", { taskId: task.id }));
      expect(approved.result.task.status.state).toBe("TASK_STATE_COMPLETED");
      expect(approved.result.task.artifacts[0].parts[0].text).toBe("deleted");
    });
  });

  describe("keys bound to a user, and one agent's endpoint", () => {
    it("shows a user only that user's tasks, which run as that user", async () => {
      const adas = (await rpc("SendMessage", textMessage("What is 2+2?"), {}, "ada")).result.task;
      expect((await rpc("GetTask", { id: adas.id }, {}, "ada")).result.id).toBe(adas.id);
      expect((await rpc("GetTask", { id: adas.id }, {}, "bob")).error.code).toBe(-32001);
      const bobs = (await rpc("ListTasks", {}, {}, "bob")).result.tasks.map((task: Wire) => task.id);
      expect(bobs).not.toContain(adas.id);
      const mesh = await host.fetch(
        new Request(`${origin}/tasks/${adas.id}`, { headers: { authorization: `Bearer ${keyOf("ada")}` } }),
      );
      expect(await mesh.json()).toMatchObject({ requestedBy: "ada", payload: { userId: "ada" } });
      expect((await rpc("CancelTask", { id: adas.id }, {}, "bob")).error.code).toBe(-32001);
    });

    it("sends through an agent's endpoint to its capability, and refuses one it does not offer", async () => {
      const call = async (body: unknown) => (await post("/a2a/agents/asker", JSON.stringify(body))).json;
      const sent = await call({
        jsonrpc: "2.0",
        id: 1,
        method: "SendMessage",
        params: textMessage("restart"),
      });
      expect(sent.result.task.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
      expect(sent.result.task.metadata).toMatchObject({ capability: "ask-service", agentId: "asker" });
      const other = await call({
        jsonrpc: "2.0",
        id: 2,
        method: "SendMessage",
        params: textMessage("2+2?", { metadata: { capability: "general-query" } }),
      });
      expect(other.error).toMatchObject({
        code: -32602,
        message: expect.stringContaining("agent asker offers ask-service"),
      });
      const unknown = await post(
        "/a2a/agents/nobody",
        JSON.stringify({ jsonrpc: "2.0", id: 3, method: "GetTask", params: { id: "x" } }),
      );
      expect(unknown.status).toBe(404);
    });
  });

  describe("ListTasks (test_tasks_list_method)", () => {
    const contextId = crypto.randomUUID();
    const ids: string[] = [];
    beforeAll(async () => {
      for (const question of ["What is 1+1?", "What is 2+2?", "What is 3+3?"]) {
        ids.push((await rpc("SendMessage", textMessage(question, { contextId }))).result.task.id);
      }
    });

    it("lists by context, newest first, with the total, without artifacts unless asked", async () => {
      const listed = (await rpc("ListTasks", { contextId })).result;
      expect(listed.tasks.map((task: Wire) => task.id)).toEqual([...ids].reverse());
      expect(listed).toMatchObject({ totalSize: 3, pageSize: 50 });
      expect(listed.tasks[0].artifacts ?? []).toEqual([]);
      const withArtifacts = (await rpc("ListTasks", { contextId, includeArtifacts: true })).result;
      expect(withArtifacts.tasks[0].artifacts).toHaveLength(1);
      expect((await rpc("ListTasks", { contextId, historyLength: 0 })).result.tasks[0].history ?? []).toEqual(
        [],
      );
    });

    it("pages with pageSize and nextPageToken, the last page without a token", async () => {
      const first = (await rpc("ListTasks", { contextId, pageSize: 2 })).result;
      expect(first.tasks).toHaveLength(2);
      expect(first.nextPageToken).not.toBe("");
      const second = (await rpc("ListTasks", { contextId, pageSize: 2, pageToken: first.nextPageToken }))
        .result;
      expect(second.tasks.map((task: Wire) => task.id)).toEqual([ids[0]]);
      expect(second.nextPageToken ?? "").toBe("");
    });

    it("filters by status", async () => {
      const task = await waitingTask();
      const waiting = (await rpc("ListTasks", { status: "TASK_STATE_INPUT_REQUIRED" })).result;
      expect(waiting.tasks.map((each: Wire) => each.id)).toContain(task.id);
      expect(waiting.tasks.every((each: Wire) => each.status.state === "TASK_STATE_INPUT_REQUIRED")).toBe(
        true,
      );
    });

    it.each([
      [{ pageToken: "not-a-token" }],
      [{ status: "TASK_STATE_NONSENSE" }],
      [{ pageSize: -1 }],
      [{ pageSize: 0 }],
      [{ pageSize: 101 }],
      [{ historyLength: -1 }],
      [{ statusTimestampAfter: "yesterday" }],
    ])("answers %j with -32602", async (params) => {
      expect((await rpc("ListTasks", params)).error.code).toBe(-32602);
    });
  });

  describe("versions (A2A-Version)", () => {
    it("answers an unsupported version with VersionNotSupported (-32009)", async () => {
      const answer = await rpc("GetTask", { id: "x" }, { "A2A-Version": "9.9" });
      expect(answer.error.code).toBe(-32009);
      expect(answer.error.message).toContain("send A2A-Version: 1.0");
    });

    it("takes v0.3's method names when A2A-Version is empty, answering in v0.3's shapes", async () => {
      const sent = await rpc("message/send", {
        message: {
          kind: "message",
          messageId: crypto.randomUUID(),
          role: "user",
          parts: [{ kind: "text", text: "What is 2+2?" }],
        },
      });
      expect(sent.result).toMatchObject({ kind: "task", status: { state: "completed" } });
      const read = await rpc("tasks/get", { id: sent.result.id });
      expect(read.result).toMatchObject({ id: sent.result.id, kind: "task" });
      expect((await rpc("tasks/get", { id: "no-such-task" })).error.code).toBe(-32001);
    });

    it("serves @a2a-js/sdk's v0.3 JSON-RPC transport, unmodified", async () => {
      const legacy = new LegacyJsonRpcTransport({
        endpoint: `${origin}/a2a`,
        fetchImpl: fetchOf(() => host),
      });
      const sent = await legacy.sendMessage(send("What is 2+2?"));
      if (!("status" in sent)) throw new Error("expected a task");
      expect(sent.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      const read = await legacy.getTask({ tenant: "", id: sent.id });
      expect(read.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      const waiting = await legacy.sendMessage(send("restart", { metadata: { capability: "ask-service" } }));
      if (!("status" in waiting)) throw new Error("expected a task");
      expect(waiting.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
      const canceled = await legacy.cancelTask({ tenant: "", id: waiting.id, metadata: undefined });
      expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    });
  });

  describe("HTTP+JSON (test_multi_transport_equivalence)", () => {
    const rest = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const response = await host.fetch(
        new Request(`${origin}/a2a/v1${path}`, {
          method,
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${keyOf("ops")}`,
            ...headers,
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      );
      return { status: response.status, json: (await response.json()) as Record<string, Wire> };
    };

    it("answers the same task on both bindings", async () => {
      const sent = await rest("POST", "/message:send", textMessage("What is 2+2?"));
      expect(sent.status).toBe(200);
      const viaRpc = await rpc("GetTask", { id: sent.json.task.id });
      const viaRest = await rest("GET", `/tasks/${sent.json.task.id}`);
      expect(viaRest.json).toEqual(viaRpc.result);
    });

    it("lists the same tasks on both bindings, with filters combined (test_same_results_across_transports)", async () => {
      const contextId = crypto.randomUUID();
      const before = new Date(Date.now() - 60_000).toISOString();
      await rest("POST", "/message:send", textMessage("What is 8+8?", { contextId }));
      await rest("POST", "/message:send", textMessage("What is 9+9?", { contextId }));
      const query = `contextId=${contextId}&status=TASK_STATE_COMPLETED&statusTimestampAfter=${before}&pageSize=5`;
      const viaRest = await rest("GET", `/tasks?${query}`);
      expect(viaRest.status).toBe(200);
      expect(viaRest.json.tasks).toHaveLength(2);
      const viaRpc = await rpc("ListTasks", {
        contextId,
        status: "TASK_STATE_COMPLETED",
        statusTimestampAfter: before,
        pageSize: 5,
      });
      expect(viaRest.json.tasks).toEqual(viaRpc.result.tasks);
      const later = await rest(
        "GET",
        `/tasks?contextId=${contextId}&statusTimestampAfter=${new Date(Date.now() + 60_000).toISOString()}`,
      );
      expect(later.json.tasks ?? []).toEqual([]);
      const wrong = await rest("GET", "/tasks?status=TASK_STATE_NONSENSE");
      expect(wrong.status).toBe(400);
    });

    it("answers errors in the binding's shape: 404 TASK_NOT_FOUND, 400 for bad input and versions", async () => {
      const missing = await rest("GET", "/tasks/no-such-task");
      expect(missing.status).toBe(404);
      expect(missing.json.error.details[0]).toMatchObject({ reason: "TASK_NOT_FOUND" });
      const bad = await rest("POST", "/message:send", {
        message: { messageId: "1", role: "ROLE_USER", parts: [] },
      });
      expect(bad.status).toBe(400);
      expect(bad.json.error.message).toContain("message.parts must hold at least one part");
      const version = await rest("GET", "/tasks/x", undefined, { "A2A-Version": "0.3" });
      expect(version.status).toBe(400);
      expect(version.json.error.details[0]).toMatchObject({ reason: "VERSION_NOT_SUPPORTED" });
      const notJson = await host.fetch(
        new Request(`${origin}/a2a/v1/message:send`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${keyOf("ops")}` },
          body: "{not json",
        }),
      );
      expect(notJson.status).toBe(400);
    });

    it("needs write for :cancel and read for :subscribe", async () => {
      const task = await waitingTask();
      const response = await host.fetch(
        new Request(`${origin}/a2a/v1/tasks/${task.id}:cancel`, {
          method: "POST",
          headers: { authorization: `Bearer ${keyOf("reader")}` },
        }),
      );
      expect(response.status).toBe(403);
      const subscribe = await host.fetch(
        new Request(`${origin}/a2a/v1/tasks/${task.id}:subscribe`, {
          headers: { authorization: `Bearer ${keyOf("reader")}` },
        }),
      );
      expect(subscribe.headers.get("content-type")).toContain("text/event-stream");
      const text = await subscribe.text();
      expect(text).toContain("TASK_STATE_INPUT_REQUIRED");
    });
  });
});
