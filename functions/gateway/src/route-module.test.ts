import { apiKeysConfig } from "@mesh-six/shared/config/access";
import { readConfig } from "@mesh-six/shared/config/read";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateRequests, declaredRoutes, needs } from "./access.ts";
import { gatewayPaths, prefixesOf } from "./app.ts";
import { routeModule } from "./route-module.ts";
import { runRoutes } from "./routes/runs.ts";
import { taskRoutes } from "./routes/tasks.ts";
import { createGatewayTestContext, type GatewayTestContext } from "./testing/context.ts";

const viewerKey = "viewer-key-0123456789abcdef";

describe("route modules own their prefix", () => {
  let ctx: GatewayTestContext;
  beforeAll(async () => {
    ctx = await createGatewayTestContext();
  });
  afterAll(() => ctx.db.close());

  const reports = routeModule("/reports", (app) => {
    app.get("/", needs("read"), (context) => context.json({ reports: [] }));
    app.get("/:id", needs("read", { perUser: true }), (context) =>
      context.json({ id: context.req.param("id") }),
    );
    app.post("/:id/publish", needs("admin"), (context) => context.json({ published: true }));
  });

  function mounted(...modules: ReturnType<typeof routeModule>[]): Hono {
    const app = new Hono();
    authenticateRequests(app, ctx.config);
    for (const module of modules) app.route(module.prefix, module.create(ctx));
    return app;
  }

  it("serves a module's routes under its prefix, each with the access it declares", async () => {
    const app = mounted(reports);
    expect(declaredRoutes(app)).toEqual([
      { method: "GET", path: "/reports", scope: "read" },
      { method: "GET", path: "/reports/:id", scope: "read", perUser: true },
      { method: "POST", path: "/reports/:id/publish", scope: "admin" },
    ]);
    expect(await (await app.request("/reports/r1")).json()).toEqual({ id: "r1" });
    expect((await app.request("/r1")).status).toBe(404);
  });

  it("refuses a module route without needs(...), naming it with its prefix", () => {
    const careless = routeModule("/careless", (app) => {
      app.get("/:id", (context) => context.json({}));
    });
    expect(() => declaredRoutes(mounted(reports, careless))).toThrow(
      'gateway routes without an access declaration: GET /careless/:id; add needs("<scope>") as the route\'s first handler',
    );
  });

  it("names a route by its full path when refusing a key without the scope it needs", async () => {
    const app = new Hono();
    authenticateRequests(app, readConfig(apiKeysConfig, { MESH_API_KEYS: `viewer:${viewerKey}:read` }));
    app.route(reports.prefix, reports.create(ctx));
    const refused = await app.request("/reports/r1/publish", {
      method: "POST",
      headers: { authorization: `Bearer ${viewerKey}` },
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toContain("POST /reports/:id/publish");
  });

  it.each(["runs", "/runs/", "/runs/:id", "/Runs", "/", ""])("refuses the prefix %j", (prefix) => {
    expect(() => routeModule(prefix, () => {})).toThrow(
      `route module prefix '${prefix}' must be a fixed path like "/runs"`,
    );
  });

  it("derives the gateway's paths from its modules, refusing two modules on one prefix or one inside another", () => {
    expect(gatewayPaths).toContain(runRoutes.prefix);
    expect(gatewayPaths).toContain(taskRoutes.prefix);
    expect(prefixesOf([runRoutes, reports])).toEqual(["/runs", "/reports"]);
    expect(() => prefixesOf([runRoutes, routeModule("/runs", () => {})])).toThrow(
      "gateway route modules overlap at /runs; give each module a prefix of its own",
    );
    expect(() => prefixesOf([runRoutes, routeModule("/runs/archive", () => {})])).toThrow(
      "gateway route modules overlap at /runs/archive (inside /runs)",
    );
  });
});
