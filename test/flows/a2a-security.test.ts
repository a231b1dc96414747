import { TaskState } from "@a2a-js/sdk";
import { ContentTypeNotSupportedError } from "@a2a-js/sdk/errors";
import type { EmbeddedHost } from "@mesh-six/shared/host/embedded";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, dataDir, keyOf, origin, removeDataDirs, send, start } from "./support/a2a.ts";

// biome-ignore lint/suspicious/noExplicitAny: raw protocol JSON, checked field by field by the assertions
type Wire = any;

/**
 * The a2a-tck's authentication and extended-card scenarios (tests/mandatory/authentication,
 * protocol/test_extended_agent_card.py, security/test_agent_card_security.py and
 * test_in_task_authentication.py's challenge headers): through @a2a-js/sdk's client,
 * unmodified, where it can make the call, raw HTTP where it cannot (no key, a wrong one).
 */
describe("A2A authentication and the extended card", () => {
  let host: EmbeddedHost;
  const current = () => host;
  beforeAll(async () => {
    host = await start(dataDir());
  });
  afterAll(async () => {
    await host.stop();
    removeDataDirs();
  });

  const card = async (path = "/.well-known/agent-card.json") =>
    (await (await host.fetch(new Request(`${origin}${path}`))).json()) as Wire;
  const rpcWith = async (
    authorization: string | undefined,
    method: string,
    params: unknown = {},
    path = "/a2a",
  ) =>
    host.fetch(
      new Request(`${origin}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      }),
    );

  describe("challenges (test_authentication_required_when_declared, test_invalid_credentials_rejected, test_authentication_challenge_headers)", () => {
    const protectedCalls: [string, string, unknown?][] = [
      ["POST", "/a2a", { jsonrpc: "2.0", id: 1, method: "GetTask", params: { id: "x" } }],
      ["POST", "/a2a", { jsonrpc: "2.0", id: 1, method: "tasks/get", params: { id: "x" } }],
      ["POST", "/a2a", { jsonrpc: "2.0", id: 1, method: "GetExtendedAgentCard" }],
      ["POST", "/a2a/agents/asker", { jsonrpc: "2.0", id: 1, method: "SendMessage", params: {} }],
      ["POST", "/a2a/v1/message:send", { message: {} }],
      ["GET", "/a2a/v1/tasks"],
      ["GET", "/a2a/v1/tasks/x"],
      ["GET", "/a2a/v1/extendedAgentCard"],
      ["GET", "/a2a/agents/asker/v1/extendedAgentCard"],
    ];

    it("answers every protected A2A call without a key, or with a wrong one, 401 challenging with the card's scheme", async () => {
      const declared = (await card()).securitySchemes.meshApiKey.httpAuthSecurityScheme.scheme as string;
      expect(declared).toBe("Bearer");
      for (const [method, path, body] of protectedCalls) {
        for (const authorization of [
          undefined,
          "Bearer invalid-dummy-jwt-token-12345",
          "Basic aW52YWxpZDppbnZhbGlk",
        ]) {
          const response = await host.fetch(
            new Request(`${origin}${path}`, {
              method,
              headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
              ...(body === undefined ? {} : { body: JSON.stringify(body) }),
            }),
          );
          expect(response.status, `${method} ${path} with ${authorization ?? "no key"}`).toBe(401);
          const challenge = response.headers.get("www-authenticate") ?? "";
          expect(challenge.split(" ")[0]?.toLowerCase()).toBe(declared.toLowerCase());
          expect(challenge).toContain('realm="mesh-six"');
        }
      }
    });

    it("declares the scheme it enforces, and no key in any card (test_authentication_scheme_consistency, test_sensitive_information_protection)", async () => {
      for (const each of [await card(), await card("/a2a/agents/asker/.well-known/agent-card.json")]) {
        expect(Object.keys(each.securitySchemes)).toEqual(["meshApiKey"]);
        expect(each.securityRequirements).toEqual([{ schemes: { meshApiKey: { list: ["read", "write"] } } }]);
        expect(JSON.stringify(each)).not.toMatch(/-key-0123456789abcdef/);
      }
    });
  });

  describe("the extended card (test_extended_agent_card_*, test_extended_card_access_controls)", () => {
    it("is declared on every card, and needs a key: none or a wrong one is 401", async () => {
      expect((await card()).capabilities.extendedAgentCard).toBe(true);
      expect(
        (await card("/a2a/agents/asker/.well-known/agent-card.json")).capabilities.extendedAgentCard,
      ).toBe(true);
      for (const authorization of [undefined, "Bearer invalid-extended-card-token-12345"]) {
        expect((await rpcWith(authorization, "GetExtendedAgentCard")).status).toBe(401);
      }
    });

    it("is what the SDK's client reads as the card once it holds a key, on both bindings: the key's scopes and what sending needs", async () => {
      for (const binding of ["JSONRPC", "HTTP+JSON"] as const) {
        const client = await clientOf(current, origin, binding, "ops");
        const extended = await client.getAgentCard();
        expect(extended.name).toBe("mesh-six");
        expect(extended.description).toContain("This card is the one the key 'ops' sees");
        expect(extended.securityRequirements).toEqual([
          { schemes: { meshApiKey: { list: ["read", "write", "admin", "approve"] } } },
        ]);
        expect(extended.skills.length).toBeGreaterThan(0);
        for (const skill of extended.skills) {
          expect(skill.securityRequirements).toEqual([{ schemes: { meshApiKey: { list: ["write"] } } }]);
        }
        expect(JSON.stringify(extended)).not.toContain(keyOf("ops"));
      }
    });

    it("differs by key: a read-only key's says it lacks write; a key bound to a user names the user", async () => {
      const reader = await (await clientOf(current, origin, "HTTP+JSON", "reader")).getAgentCard();
      expect(reader.securityRequirements).toEqual([{ schemes: { meshApiKey: { list: ["read"] } } }]);
      expect(reader.description).toContain("It lacks write, admin, approve.");
      const ada = await (await clientOf(current, origin, "JSONRPC", "ada")).getAgentCard();
      expect(ada.description).toContain("bound to user ada: it sees and starts only that user's tasks");
    });

    it("is one agent's own under its endpoint, and v0.3's agent/getAuthenticatedExtendedCard answers it in v0.3's shape", async () => {
      const response = await host.fetch(
        new Request(`${origin}/a2a/agents/asker/v1/extendedAgentCard`, {
          headers: { authorization: `Bearer ${keyOf("writer")}` },
        }),
      );
      expect(response.status).toBe(200);
      const agent = (await response.json()) as Wire;
      expect(agent).toMatchObject({ name: "asker", skills: [{ id: "ask-service" }] });
      expect(agent.securityRequirements).toEqual([{ schemes: { meshApiKey: { list: ["read", "write"] } } }]);
      const legacy = (await (
        await rpcWith(`Bearer ${keyOf("ops")}`, "agent/getAuthenticatedExtendedCard", undefined)
      ).json()) as Wire;
      expect(legacy.result).toMatchObject({ name: "mesh-six", supportsAuthenticatedExtendedCard: true });
      expect(legacy.result.description).toContain("the key 'ops'");
    });
  });

  describe("scopes per method (the card: sending needs write, reading read)", () => {
    it("lets a key holding write alone send through the SDK's client on both bindings, and cancel, but not read", async () => {
      for (const binding of ["JSONRPC", "HTTP+JSON"] as const) {
        const client = await clientOf(current, origin, binding, "sender");
        const answered = (await client.sendMessage(send("What is 2+2?"))) as Wire;
        const task = answered.payload?.value ?? answered;
        expect(task.status.state, binding).toBe(TaskState.TASK_STATE_COMPLETED);
        await expect(client.getTask({ tenant: "", id: task.id, historyLength: undefined })).rejects.toThrow(
          /lacks the scope 'read'|HTTP error for \/tasks\/[^ ]+: 403/,
        );
      }
      const started = (await (
        await rpcWith(`Bearer ${keyOf("sender")}`, "SendMessage", {
          message: { messageId: crypto.randomUUID(), role: "ROLE_USER", parts: [{ text: "What is 3+3?" }] },
          configuration: { returnImmediately: true },
        })
      ).json()) as Wire;
      const id = started.result.task.id;
      expect(typeof id).toBe("string");
      const cancel = await rpcWith(`Bearer ${keyOf("sender")}`, "CancelTask", { id });
      expect(cancel.status).toBe(200);
      const read = await rpcWith(`Bearer ${keyOf("sender")}`, "GetTask", { id });
      expect(read.status).toBe(403);
      expect(read.headers.get("www-authenticate")).toBe(
        'Bearer realm="mesh-six", error="insufficient_scope", scope="read"',
      );
      const subscribe = await host.fetch(
        new Request(`${origin}/a2a/v1/tasks/${id}:subscribe`, {
          method: "POST",
          headers: { authorization: `Bearer ${keyOf("sender")}` },
        }),
      );
      expect(subscribe.status).toBe(403);
    });

    it("refuses sending and canceling to a key holding read alone, 403 naming write, and still lets it read", async () => {
      for (const method of ["SendMessage", "message/send", "CancelTask"]) {
        const refused = await rpcWith(`Bearer ${keyOf("reader")}`, method, { id: "x" });
        expect(refused.status, method).toBe(403);
        expect(((await refused.json()) as Wire).error, method).toContain(
          `lacks the scope 'write', which the A2A method ${method} needs`,
        );
        expect(refused.headers.get("www-authenticate")).toContain(
          'error="insufficient_scope", scope="write"',
        );
      }
      const unknown = (await (
        await rpcWith(`Bearer ${keyOf("reader")}`, "GetTask", { id: "no-such-task" })
      ).json()) as Wire;
      expect(unknown.error.code).toBe(-32001);
    });
  });

  it("surfaces ContentTypeNotSupported (-32005) through the SDK's client as its own error class, on both bindings", async () => {
    for (const binding of ["JSONRPC", "HTTP+JSON"] as const) {
      const client = await clientOf(current, origin, binding, "ops");
      const request = send("What is 2+2?");
      const refused = client.sendMessage({
        ...request,
        configuration: { ...request.configuration, acceptedOutputModes: ["image/png"] } as never,
      });
      await expect(refused).rejects.toBeInstanceOf(ContentTypeNotSupportedError);
    }
  });
});

describe("A2A on a mesh without MESH_API_KEYS", () => {
  let host: EmbeddedHost;
  beforeAll(async () => {
    host = await start(dataDir(), false);
  });
  afterAll(async () => {
    await host.stop();
    removeDataDirs();
  });

  const rpc = async (method: string, headers: Record<string, string> = {}) =>
    (await (
      await host.fetch(
        new Request(`${origin}/a2a`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method }),
        }),
      )
    ).json()) as Wire;

  it("declares no scheme and no extended card: GetExtendedAgentCard is UnsupportedOperation (-32004), v0.3's is -32007", async () => {
    const card = (await (
      await host.fetch(new Request(`${origin}/.well-known/agent-card.json`))
    ).json()) as Wire;
    expect(card.capabilities.extendedAgentCard).toBe(false);
    expect(card.securitySchemes ?? {}).toEqual({});
    const v1 = await rpc("GetExtendedAgentCard", { "A2A-Version": "1.0" });
    expect(v1.error.code).toBe(-32004);
    expect(v1.error.message).toContain("without MESH_API_KEYS");
    expect((await rpc("agent/getAuthenticatedExtendedCard")).error.code).toBe(-32007);
    const rest = await host.fetch(new Request(`${origin}/a2a/v1/extendedAgentCard`));
    expect(rest.status).toBe(400);
    expect(((await rest.json()) as Wire).error.details[0]).toMatchObject({ reason: "UNSUPPORTED_OPERATION" });
  });
});
