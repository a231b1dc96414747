import { Hono } from "hono";
import type { GatewayContext } from "./config.ts";

/**
 * One area of the gateway: the path prefix it owns and its routes, registered relative to
 * that prefix. The gateway mounts each module at its prefix (Hono's `app.route`), so its
 * `http.paths` are the modules' prefixes and are never kept in sync by hand.
 */
export interface RouteModule {
  /** Where the module is mounted, e.g. "/runs": its routes serve "/runs", "/runs/:id", … */
  readonly prefix: string;
  /** The module's routes for one gateway, as a Hono sub-app. */
  readonly create: (ctx: GatewayContext) => Hono;
}

/**
 * A route module at `prefix`: `register(app, ctx)` adds its routes relative to it, each with
 * `needs(...)` from access.ts as its first handler: under "/runs",
 * `app.get("/:id", needs("read"), handler)` serves GET /runs/:id and `app.get("/", …)` GET /runs.
 * A module sets no `onError`: the gateway's answers every failure.
 */
export function routeModule(prefix: string, register: (app: Hono, ctx: GatewayContext) => void): RouteModule {
  if (!/^(\/\.?[a-z0-9][a-z0-9-]*)+$/.test(prefix)) {
    throw new Error(
      `route module prefix '${prefix}' must be a fixed path like "/runs", "/v1/models" or "/.well-known": lowercase segments, no parameters, no trailing slash`,
    );
  }
  return {
    prefix,
    create: (ctx) => {
      const app = new Hono();
      register(app, ctx);
      return app;
    },
  };
}
