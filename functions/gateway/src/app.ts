import { Hono } from "hono";
import { authenticateRequests, declaredRoutes } from "./access.ts";
import type { GatewayContext } from "./config.ts";
import { answerOutsideRoutes } from "./fallback.ts";
import { openAiPrefix, openAiShaped } from "./openai/errors.ts";
import type { RouteModule } from "./route-module.ts";
import { a2aRoutes } from "./routes/a2a.ts";
import { agentRoutes } from "./routes/agents.ts";
import { approvalRoutes } from "./routes/approvals.ts";
import { budgetRoutes } from "./routes/budgets.ts";
import { chatRoutes } from "./routes/chat.ts";
import { costRoutes } from "./routes/cost.ts";
import { deadLetterRoutes } from "./routes/dead-letters.ts";
import { eventRoutes } from "./routes/events.ts";
import { memoryRoutes } from "./routes/memories.ts";
import { modelRoutes } from "./routes/models.ts";
import { runRoutes } from "./routes/runs.ts";
import { taskRoutes } from "./routes/tasks.ts";
import { wellKnownRoutes } from "./routes/well-known.ts";

/**
 * One route module per area, each owning its path prefix (route-module.ts); add one by
 * listing it here. Every route declares what it needs with `needs(scope)` from access.ts
 * as its first handler.
 */
const modules: readonly RouteModule[] = [
  eventRoutes,
  deadLetterRoutes,
  taskRoutes,
  agentRoutes,
  memoryRoutes,
  runRoutes,
  approvalRoutes,
  chatRoutes,
  modelRoutes,
  a2aRoutes,
  wellKnownRoutes,
  costRoutes,
  budgetRoutes,
];

/** The path prefixes the gateway serves (its `http.paths`): its modules' prefixes. */
export const gatewayPaths: readonly string[] = prefixesOf(modules);

export function createGatewayApp(ctx: GatewayContext): Hono {
  const app = new Hono();
  // the OpenAI-compatible API answers every refusal (a missing key, 404, …) in OpenAI's shape
  app.use(`${openAiPrefix}/*`, openAiShaped);
  authenticateRequests(app, ctx.config);
  for (const module of modules) app.route(module.prefix, module.create(ctx));
  declaredRoutes(app);
  answerOutsideRoutes(app, gatewayPaths);
  app.onError((error, context) => {
    ctx.logger.error("gateway request failed", { error, path: context.req.path });
    return context.json({ error: "internal error; see the gateway log" }, 500);
  });
  return app;
}

/** The modules' prefixes, refusing two modules on one prefix or one inside another's. */
export function prefixesOf(list: readonly RouteModule[]): string[] {
  const prefixes = list.map((module) => module.prefix);
  for (const prefix of prefixes) {
    const clash = prefixes.find((other) => other !== prefix && prefix.startsWith(`${other}/`));
    if (clash || prefixes.indexOf(prefix) !== prefixes.lastIndexOf(prefix)) {
      throw new Error(
        `gateway route modules overlap at ${prefix}${clash ? ` (inside ${clash})` : ""}; give each module a prefix of its own`,
      );
    }
  }
  return prefixes;
}
