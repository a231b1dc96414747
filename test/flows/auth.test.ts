import { TaskCompleted } from "@mesh-six/events";
import { fleet } from "@mesh-six/fleet";
import { gatewayConfig } from "@mesh-six/function-gateway/config";
import { declaredGatewayRoutes } from "@mesh-six/function-gateway/testing/routes";
import { scopes } from "@mesh-six/shared/auth/api-keys";
import { storeDeadLetter, withErrorExtensions } from "@mesh-six/shared/broker/dead-letters";
import { encodeBinary } from "@mesh-six/shared/broker/http-binding";
import { memoryConfig } from "@mesh-six/shared/config/memory";
import { readConfig } from "@mesh-six/shared/config/read";
import { createMemory } from "@mesh-six/shared/memory/create";
import { createTestMesh, type TestMesh } from "@mesh-six/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** One key per scope, one holding every scope but one per scope, and two bound to users. */
const keyOf = (name: string) => `${name}-key-0123456789abcdef`;
const entries = [
  `ops:${keyOf("ops")}:${scopes.join("+")}`,
  ...scopes.map((scope) => `only-${scope}:${keyOf(`only-${scope}`)}:${scope}`),
  ...scopes.map(
    (scope) => `no-${scope}:${keyOf(`no-${scope}`)}:${scopes.filter((other) => other !== scope).join("+")}`,
  ),
  `ada:${keyOf("ada")}:read+write:user=ada`,
  `bob:${keyOf("bob")}:read+write:user=bob`,
];

/**
 * An answer of the OpenAI-compatible API (`{error: {message, type, param, code}}`) as the
 * other routes' `{error, …}`: its message as `error`, its code beside it.
 */
function flattened(json: Record<string, unknown>): Record<string, unknown> {
  const error = json.error as { message?: unknown; code?: unknown } | undefined;
  if (typeof error !== "object" || error === null) return json;
  return { error: error.message, code: error.code };
}

describe("API keys on every route of the embedded host", () => {
  let mesh: TestMesh;
  const environment = { MESH_API_KEYS: entries.join(","), RATE_LIMIT_PER_MINUTE: "0" };
  beforeAll(async () => {
    mesh = await createTestMesh({
      functions: fleet,
      env: { MESH_API_KEYS: entries.join(","), RATE_LIMIT_PER_MINUTE: "0" },
    });
  });
  afterAll(() => mesh.stop());

  async function call(method: string, path: string, key?: string, body?: unknown) {
    const abort = new AbortController();
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${keyOf(key)}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await mesh.host.fetch(
      new Request(`http://mesh.test${path}`, {
        method,
        headers,
        signal: abort.signal,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    const text = response.headers.get("content-type")?.includes("event-stream") ? "" : await response.text();
    abort.abort(); // ends a stream
    const json = text.startsWith("{") ? (JSON.parse(text) as Record<string, unknown>) : {};
    return { status: response.status, json: flattened(json), headers: response.headers };
  }

  const routes = () =>
    declaredGatewayRoutes({
      db: mesh.host.db,
      kv: mesh.host.kv,
      logger: mesh.host.logger,
      clock: mesh.host.clock,
      config: readConfig(gatewayConfig, environment),
      variable: () => undefined,
      publish: mesh.host.publish,
    });

  it("walks every declared gateway route (a route without needs(...) would fail to build)", () => {
    const listed = routes().map((route) => `${route.method} ${route.path}`);
    expect(listed).toEqual(
      expect.arrayContaining(["GET /tasks", "POST /tasks", "GET /events", "POST /dead-letters/:id/replay"]),
    );
    expect(listed.length).toBeGreaterThanOrEqual(12);
  });

  it("answers 401 without a key or with a wrong one, saying how to send a key, on every route", async () => {
    for (const route of routes()) {
      const path = route.path.replaceAll(/(?<=\/):\w+/g, "1");
      const missing = await call(route.method, path);
      expect(missing.status, `${route.method} ${route.path}`).toBe(401);
      expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="mesh-six"');
      expect(missing.json.error).toContain("send it as 'Authorization: Bearer <key>'");
      const wrong = await call(route.method, path, "nobody");
      expect(wrong.status, `${route.method} ${route.path}`).toBe(401);
      expect(wrong.json.error).toContain("not one of this mesh's keys");
      // RFC 6750 §3.1: a token the server does not know is invalid_token; none sent, no code
      expect(wrong.headers.get("www-authenticate")).toBe('Bearer realm="mesh-six", error="invalid_token"');
    }
  });

  it("answers 403 naming the scope a route needs to a key without it, and lets a key with only that scope in", async () => {
    for (const route of routes().filter((each) => !each.perCall)) {
      const path = route.path.replaceAll(/(?<=\/):\w+/g, "1");
      const where = `${route.method} ${route.path}`;
      const lacking = await call(
        route.method,
        path,
        `no-${route.scope}`,
        route.method === "POST" ? {} : undefined,
      );
      expect(lacking.status, where).toBe(403);
      // the OpenAI-compatible API says it in OpenAI's shape, the scope in the message
      if (route.path.startsWith("/v1/")) expect(lacking.json.code, where).toBe("insufficient_permissions");
      else expect(lacking.json.scope, where).toBe(route.scope);
      expect(lacking.json.error, where).toContain(`lacks the scope '${route.scope}', which ${where} needs`);
      expect(lacking.headers.get("www-authenticate"), where).toBe(
        `Bearer realm="mesh-six", error="insufficient_scope", scope="${route.scope}"`,
      );
      const holding = await call(
        route.method,
        path,
        `only-${route.scope}`,
        route.method === "POST" ? {} : undefined,
      );
      expect([401, 403], `${where}: ${JSON.stringify(holding.json)}`).not.toContain(holding.status);
    }
  });

  it("lets a key with any one of a multiplexing route's scopes through its door, and 403s a key with none", async () => {
    const perCall = routes().filter((route) => route.perCall);
    expect(perCall.map((route) => `${route.method} ${route.path}`)).toEqual(
      expect.arrayContaining(["POST /a2a", "POST /a2a/agents/:name"]),
    );
    for (const route of perCall) {
      const path = route.path.replaceAll(/(?<=\/):\w+/g, "1");
      const where = `${route.method} ${route.path}`;
      const outsider = scopes.find((scope) => !route.perCall!.includes(scope))!;
      const lacking = await call(route.method, path, `only-${outsider}`, {});
      expect(lacking.status, where).toBe(403);
      expect(lacking.json.error, where).toContain(
        `holds none of the scopes ${route.perCall!.map((scope) => `'${scope}'`).join(", ")}`,
      );
      expect(lacking.headers.get("www-authenticate"), where).toBe(
        `Bearer realm="mesh-six", error="insufficient_scope", scope="${route.perCall!.join(" ")}"`,
      );
      for (const scope of route.perCall!) {
        const door = await call(route.method, path, `only-${scope}`, {});
        // past the door: the call itself is then checked (an empty body is not a call)
        expect([401, 403], `${where} with only ${scope}: ${JSON.stringify(door.json)}`).not.toContain(
          door.status,
        );
      }
    }
  });

  it("keeps keys bound to a user off every route that shows or changes every user's data", async () => {
    const global = routes().filter((route) => !route.perUser);
    expect(global.map((route) => `${route.method} ${route.path}`)).toEqual(
      expect.arrayContaining(["GET /events", "GET /dead-letters", "POST /dead-letters/:id/replay"]),
    );
    for (const route of global.filter((each) => each.scope === "read" || each.scope === "write")) {
      const refused = await call(route.method, route.path.replaceAll(/(?<=\/):\w+/g, "1"), "ada");
      expect(refused.status, `${route.method} ${route.path}`).toBe(403);
      expect(refused.json.error).toContain(
        "is bound to user ada and sees only that user's tasks and memories",
      );
    }
  });

  it("leaves /healthz open", async () => {
    expect((await call("GET", "/healthz")).status).toBe(200);
  });

  it("guards the broker ingress with the write scope, and refuses forged results there with 403", async () => {
    const accepted = await call("POST", "/tasks", "ops", {
      capability: "general-query",
      payload: { query: "2+2?" },
    });
    const taskId = String(accepted.json.taskId);
    await mesh.settle();
    expect((await mesh.readTask(taskId)).status).toBe("succeeded");
    const before = await mesh.readTask(taskId);

    const forged = TaskCompleted.create({
      source: "/mesh-six/general-agent",
      data: { taskId, agentId: "general-agent", attempt: 1, result: { answer: "forged" }, durationMs: 1 },
    });
    const post = (key?: string) => {
      const { headers, body } = encodeBinary(forged);
      return mesh.host.fetch(
        new Request("http://mesh.test/mesh-six/default", {
          method: "POST",
          headers: { ...headers, ...(key ? { authorization: `Bearer ${keyOf(key)}` } : {}) },
          ...(body ? { body } : {}),
        }),
      );
    };
    expect((await post()).status).toBe(401);
    expect((await post("only-read")).status).toBe(403);
    expect((await post("ada")).status).toBe(403);
    const refused = await post("ops");
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toBe(
      "dev.meshsix.task.completed comes only from mesh functions; senders outside the mesh may publish: dev.meshsix.task.requested, dev.meshsix.approval.decided",
    );
    await mesh.settle();
    expect(await mesh.readTask(taskId)).toEqual(before);
  });

  it("shows a key bound to a user only that user's tasks, and starts tasks only as that user", async () => {
    const ask = async (key: string, body: Record<string, unknown>) =>
      (await call("POST", "/tasks", key, { capability: "general-query", ...body })).json;
    const adas = String((await ask("ada", { payload: { query: "My name is Ada. What is 2+2?" } })).taskId);
    const bobs = String((await ask("bob", { payload: { query: "What is 3+3?" } })).taskId);
    await mesh.settle();

    const listed = async (key: string) =>
      ((await call("GET", "/tasks", key)).json.tasks as { id: string }[]).map((task) => task.id);
    expect(await listed("ada")).toEqual([adas]);
    expect(await listed("bob")).toEqual([bobs]);
    expect(await listed("ops")).toEqual(expect.arrayContaining([adas, bobs]));

    const own = await call("GET", `/tasks/${adas}`, "ada");
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ requestedBy: "ada", payload: { userId: "ada" }, status: "succeeded" });
    const others = await call("GET", `/tasks/${bobs}`, "ada");
    expect(others.status).toBe(404);
    expect(others.json.error).toContain(`no task '${bobs}'`);

    const impersonating = await call("POST", "/tasks", "ada", {
      capability: "general-query",
      requestedBy: "bob",
    });
    expect(impersonating.status).toBe(403);
    expect(impersonating.json).toEqual({
      error:
        "a key bound to user ada starts tasks only for that user; leave 'requestedBy' out or set it to 'ada'",
      field: "requestedBy",
    });
    const othersMemory = await call("POST", "/tasks", "ada", {
      capability: "general-query",
      payload: { userId: "bob" },
    });
    expect(othersMemory.status).toBe(403);
    expect(othersMemory.json.field).toBe("payload.userId");
  });

  it("shows a key bound to a user only that user's memories, and lets it forget only those", async () => {
    // memory on the mesh's database, as general-agent and the gateway read it
    const { store } = createMemory({ db: mesh.host.db, config: readConfig(memoryConfig, {}) });
    const adas = await store.remember({
      agent: "general-agent",
      userId: "ada",
      content: "Ada drinks green tea.",
    });
    const bobs = await store.remember({
      agent: "general-agent",
      userId: "bob",
      content: "Bob drinks black tea.",
    });

    const users = async (key: string, query = "") =>
      new Set(
        ((await call("GET", `/memories${query}`, key)).json.memories as { userId: string }[]).map(
          (m) => m.userId,
        ),
      );
    expect(await users("ada")).toEqual(new Set(["ada"]));
    expect(await users("ada", "?q=tea")).toEqual(new Set(["ada"]));
    expect(await users("bob", "?q=tea")).toEqual(new Set(["bob"]));
    expect(await users("ops", "?q=tea")).toEqual(new Set(["ada", "bob"]));

    const peeking = await call("GET", "/memories?user=bob", "ada");
    expect(peeking.status).toBe(403);
    expect(peeking.json).toMatchObject({ parameter: "user" });
    expect((await call("DELETE", "/memories?user=bob", "ada")).status).toBe(403);
    expect((await call("DELETE", `/memories/${bobs.memory.id}`, "ada")).status).toBe(404);
    expect(await store.get(bobs.memory.id)).toBeDefined();
    expect((await call("DELETE", `/memories/${adas.memory.id}`, "ada")).status).toBe(200);
    expect(await store.get(adas.memory.id)).toBeUndefined();
  });

  it("replays a dead letter once; a second replay is 409 unless it says again", async () => {
    const failed = withErrorExtensions(
      {
        specversion: "1.0",
        id: "dead-1",
        source: "/mesh-six/orchestrator",
        type: "dev.meshsix.task.dispatched",
      },
      { destination: "http://general-agent.mesh-six.svc.cluster.local", status: 422 },
    );
    const stored = await storeDeadLetter(mesh.host.db, { broker: "mesh-six/default", event: failed });
    const replay = (query = "") => call("POST", `/dead-letters/${stored.id}/replay${query}`, "only-admin");
    expect((await replay()).status).toBe(200);
    const twice = await replay();
    expect(twice.status).toBe(409);
    expect(twice.json.error).toContain(`dead letter ${stored.id} was replayed already (at 20`);
    expect(twice.json.error).toContain(`POST /dead-letters/${stored.id}/replay?again=true`);
    expect((await replay("?again=true")).status).toBe(200);
    expect((await replay("?again=yes")).status).toBe(400);
  });
});
