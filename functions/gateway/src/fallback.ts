import type { Context, Hono } from "hono";

/**
 * JSON answers for requests no route takes, added once every route is registered:
 * - a known path with another method → 405 with `Allow` listing the methods it takes
 *   (HEAD is answered wherever GET is, as Hono does);
 * - any other path → 404 naming it and the path prefixes the gateway serves.
 */
export function answerOutsideRoutes(app: Hono, prefixes: readonly string[]): void {
  const methodsByPath = new Map<string, Set<string>>();
  for (const route of app.routes) {
    if (route.method === "ALL") continue; // middleware (authentication), not a route
    const methods = methodsByPath.get(route.path) ?? new Set<string>();
    methods.add(route.method);
    if (route.method === "GET") methods.add("HEAD");
    methodsByPath.set(route.path, methods);
  }
  for (const [path, methods] of methodsByPath) {
    const allowed = [...methods].sort(byUsualOrder).join(", ");
    app.all(path, (context) =>
      context.json(
        { error: `${context.req.path} does not take ${context.req.method}; it takes ${allowed}` },
        405,
        { Allow: allowed },
      ),
    );
  }
  app.notFound((context: Context) =>
    context.json(
      {
        error: `no route for ${context.req.method} ${context.req.path}; the gateway serves ${prefixes.join(", ")}`,
      },
      404,
    ),
  );
}

const usualOrder = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

function byUsualOrder(first: string, second: string): number {
  const rank = (method: string) =>
    usualOrder.includes(method) ? usualOrder.indexOf(method) : usualOrder.length;
  return rank(first) - rank(second) || first.localeCompare(second);
}
