import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayApp, gatewayPaths } from "./app.ts";
import { gateway } from "./index.ts";
import { createGatewayTestContext, type GatewayTestContext } from "./testing/context.ts";

describe("the gateway's answers outside its routes", () => {
  let ctx: GatewayTestContext;
  let app: Hono;
  beforeAll(async () => {
    ctx = await createGatewayTestContext();
    app = createGatewayApp(ctx);
  });
  afterAll(() => ctx.db.close());

  async function call(path: string, method = "GET") {
    const response = await app.request(path, { method });
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      allow: response.headers.get("allow"),
      body: (await response.json()) as { error?: string; parameter?: string },
    };
  }

  it("serves the path prefixes the function declares", () => {
    expect(gateway.http?.paths).toEqual(gatewayPaths);
  });

  it.each(["/tasks/1/cancel", "/events/nope", "/agents/score/a/b", "/nothing"])(
    "answers 404 in JSON for %s, naming the path and the route prefixes",
    async (path) => {
      const answer = await call(path);
      expect(answer).toMatchObject({ status: 404, allow: null });
      expect(answer.type).toMatch(/^application\/json/);
      expect(answer.body.error).toBe(
        `no route for GET ${path}; the gateway serves ${gatewayPaths.join(", ")}`,
      );
      expect(gatewayPaths).toEqual(
        expect.arrayContaining([
          "/events",
          "/dead-letters",
          "/tasks",
          "/agents",
          "/memories",
          "/runs",
          "/approvals",
          "/v1/chat",
          "/v1/models",
          "/cost",
          "/budgets",
        ]),
      );
    },
  );

  it("answers outside routes under /v1 in OpenAI's error shape, its Allow header kept", async () => {
    const missing = await app.request("/v1/embeddings", { method: "POST" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: {
        message: expect.stringContaining("no route for POST /v1/embeddings"),
        type: "invalid_request_error",
        param: null,
        code: "not_found",
      },
    });
    const wrongMethod = await app.request("/v1/chat/completions", { method: "GET" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    expect(((await wrongMethod.json()) as { error: { type: string } }).error.type).toBe(
      "invalid_request_error",
    );
  });

  it.each<[string, string, string]>([
    ["/tasks", "DELETE", "GET, HEAD, POST"],
    ["/tasks/abc", "PUT", "GET, HEAD"],
    ["/dead-letters/1/replay", "GET", "POST"],
    ["/dead-letters", "POST", "GET, HEAD"],
    ["/memories", "PATCH", "GET, HEAD, DELETE"],
    ["/memories/0b5c6f1e-3d2a-4c8b-9e7f-1a2b3c4d5e6f", "GET", "DELETE"],
    ["/events/stream", "POST", "GET, HEAD"],
  ])("answers 405 in JSON with Allow for %s with %s", async (path, method, allowed) => {
    const answer = await call(path, method);
    expect(answer).toMatchObject({ status: 405, allow: allowed });
    expect(answer.type).toMatch(/^application\/json/);
    expect(answer.body.error).toBe(`${path} does not take ${method}; it takes ${allowed}`);
  });

  it.each(["/agents/score/", "/agents/score"])(
    "answers 400 for %s without a capability, naming those on offer",
    async (path) => {
      const answer = await call(path);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        error:
          "give a capability: GET /agents/score/<capability>; capabilities on offer: none (no agents registered)",
        parameter: "capability",
      });
    },
  );
});
