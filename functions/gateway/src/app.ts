import { Hono } from "hono";
import { authenticateRequests, declaredRoutes } from "./access.ts";
import type { GatewayContext } from "./config.ts";
import { answerOutsideRoutes } from "./fallback.ts";
import { agentRoutes } from "./routes/agents.ts";
import { approvalRoutes } from "./routes/approvals.ts";
import { deadLetterRoutes } from "./routes/dead-letters.ts";
import { eventRoutes } from "./routes/events.ts";
import { memoryRoutes } from "./routes/memories.ts";
import { runRoutes } from "./routes/runs.ts";
import { taskRoutes } from "./routes/tasks.ts";

/**
 * One route module per area; each is `(app, ctx) => void` and owns its paths.
 * Add a module by importing it and listing it here, and its path prefix in `gatewayPaths`.
 * Every route declares what it needs with `needs(scope)` from access.ts as its first handler.
 */
export type RouteModule = (app: Hono, ctx: GatewayContext) => void;

/** The gateway's function name (its Knative Service; its outbox rows carry it). */
export const gatewayName = "gateway";

const modules: RouteModule[] = [
  eventRoutes,
  deadLetterRoutes,
  taskRoutes,
  agentRoutes,
  memoryRoutes,
  runRoutes,
  approvalRoutes,
];

/** The path prefixes the gateway serves (its `http.paths`); a host sends it every request under them. */
export const gatewayPaths = [
  "/events",
  "/dead-letters",
  "/tasks",
  "/agents",
  "/memories",
  "/runs",
  "/approvals",
];

export function createGatewayApp(ctx: GatewayContext): Hono {
  const app = new Hono();
  authenticateRequests(app, ctx.config);
  for (const register of modules) register(app, ctx);
  declaredRoutes(app);
  answerOutsideRoutes(app, gatewayPaths);
  app.onError((error, context) => {
    ctx.logger.error("gateway request failed", { error, path: context.req.path });
    return context.json({ error: "internal error; see the gateway log" }, 500);
  });
  return app;
}
