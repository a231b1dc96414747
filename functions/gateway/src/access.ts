import type { Scope } from "@mesh-six/shared/auth/api-keys";
import {
  authorize,
  authorizeAny,
  type Caller,
  createAuthenticator,
} from "@mesh-six/shared/auth/authenticate";
import type { ApiKeysConfig } from "@mesh-six/shared/config/access";
import type { Context, Hono, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";

/** What one route needs from the caller's API key. */
export interface RouteAccess {
  readonly scope: Scope;
  /**
   * The route serves keys bound to a user: it shows or changes only that user's data
   * (the handler filters by `userOf(context)`), or nothing that belongs to users (the
   * agent registry). Without it such keys get 403.
   */
  readonly perUser?: boolean;
  /**
   * The route's calls need different scopes (`needsOneOf`): a key holding any of these gets
   * in, and the handler checks the one each call needs; `scope` is the first of them.
   */
  readonly perCall?: readonly Scope[];
}

const declared = new WeakMap<object, RouteAccess>();
const opened = new WeakSet<object>();
const callers = new WeakMap<Request, Caller>();

/**
 * Declares what a gateway route needs, right where the route is registered, as its
 * first handler: `app.get("/tasks", needs("read", { perUser: true }), handler)`.
 * A key without `scope` gets 403 naming it; a key bound to a user gets 403 unless the
 * route is `perUser` (and then the handler answers with that user's data only, see
 * `userOf`). Every route must declare one: `createGatewayApp` refuses to build
 * otherwise. Scopes: `read` (look), `write` (start work, change your data), `admin`
 * (operate the mesh: replay dead letters, …), `approve` (decide approvals).
 */
export function needs(scope: Scope, options: { readonly perUser?: boolean } = {}): MiddlewareHandler {
  const middleware: MiddlewareHandler = async (context, next) => {
    const what = `${context.req.method} ${routePath(context)}`;
    const refused = authorize(callerOf(context), scope, what, options);
    if (refused) return refused;
    await next();
  };
  declared.set(middleware, { scope, ...(options.perUser ? { perUser: true } : {}) });
  return middleware;
}

/**
 * Declares a route that multiplexes calls needing different scopes (A2A's JSON-RPC
 * endpoint: SendMessage needs `write`, GetTask `read`), as its first handler: a key holding
 * none of `needed` gets 403 naming them; the handler then `authorize`s the scope of the call
 * it was sent, so a key with `write` alone can send and one with `read` alone can look.
 */
export function needsOneOf(
  needed: readonly [Scope, ...Scope[]],
  options: { readonly perUser?: boolean } = {},
): MiddlewareHandler {
  const middleware: MiddlewareHandler = async (context, next) => {
    const what = `${context.req.method} ${routePath(context)}`;
    const refused = authorizeAny(callerOf(context), needed, what, options);
    if (refused) return refused;
    await next();
  };
  declared.set(middleware, {
    scope: needed[0],
    perCall: needed,
    ...(options.perUser ? { perUser: true } : {}),
  });
  return middleware;
}

/**
 * Declares a route that answers without an API key, as its first handler: only for what
 * tells callers how to reach and authenticate to the mesh (the A2A agent cards). It sees
 * the caller as `anyone` without scopes when no valid key came.
 */
export function open(): MiddlewareHandler {
  const middleware: MiddlewareHandler = async (_context, next) => {
    await next();
  };
  opened.add(middleware);
  return middleware;
}

const nobody: Caller = { name: "nobody", scopes: new Set() };

/**
 * Authenticates every request of `app` against MESH_API_KEYS (401 without a valid key when
 * there are keys), except on the routes declared `open()`.
 */
export function authenticateRequests(app: Hono, config: ApiKeysConfig): void {
  const authenticate = createAuthenticator(config.MESH_API_KEYS);
  let openPaths: RegExp[] | undefined;
  app.use("*", async (context, next) => {
    const authentication = authenticate(context.req.raw);
    if (!authentication.ok) {
      openPaths ??= openRoutes(app).map((route) => pathPattern(route.slice(route.indexOf(" ") + 1)));
      const path = context.req.path;
      if (!openPaths.some((pattern) => pattern.test(path))) return authentication.response;
      callers.set(context.req.raw, nobody);
      return next();
    }
    callers.set(context.req.raw, authentication.caller);
    await next();
  });
}

/** Who sent the request (set by `authenticateRequests`). */
export function callerOf(context: Context): Caller {
  const caller = callers.get(context.req.raw);
  if (!caller) throw new Error("the gateway's authentication did not run for this request");
  return caller;
}

/** The user a request's key is bound to; undefined when it sees every user's data. */
export function userOf(context: Context): string | undefined {
  return callerOf(context).user;
}

/** The routes of `app` declared `open()`: `GET /.well-known/agent-card.json`, … */
export function openRoutes(app: Hono): string[] {
  return app.routes
    .filter((route) => route.method !== "ALL" && opened.has(route.handler))
    .map((route) => `${route.method} ${route.path}`);
}

/** A route path ("/a2a/agents/:name/x") as a pattern matching the paths it serves. */
function pathPattern(path: string): RegExp {
  const escaped = path
    .split("/")
    .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${escaped}$`);
}

export interface DeclaredRoute extends RouteAccess {
  readonly method: string;
  readonly path: string;
}

/**
 * Every route of `app` with what it needs (open routes aside); throws naming the routes whose
 * first handler is not a `needs(...)` or `open()`, so a route cannot be added without saying
 * who may call it.
 */
export function declaredRoutes(app: Hono): DeclaredRoute[] {
  const routes = new Map<string, { method: string; path: string; access?: RouteAccess }>();
  const open = new Set(openRoutes(app));
  for (const route of app.routes) {
    if (route.method === "ALL") continue;
    const key = `${route.method} ${route.path}`;
    if (routes.has(key) || open.has(key)) continue;
    // the first handler of a route must be its needs(...), so nothing runs before the check
    const access = declared.get(route.handler);
    routes.set(key, { method: route.method, path: route.path, ...(access ? { access } : {}) });
  }
  const missing = [...routes.keys()].filter((key) => !routes.get(key)?.access);
  if (missing.length > 0) {
    throw new Error(
      `gateway routes without an access declaration: ${missing.join(", ")}; add needs("<scope>") as the route's first handler (functions/gateway/src/access.ts)`,
    );
  }
  return [...routes.values()].map(({ method, path, access }) => ({ method, path, ...access! }));
}
