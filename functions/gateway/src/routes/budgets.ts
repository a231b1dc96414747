import {
  type Budget,
  budgetInput,
  budgetNamePattern,
  budgetNameProblem,
  budgetUse,
  deleteBudget,
  listBudgets,
  putBudget,
  readBudget,
  windowOf,
} from "@mesh-six/shared/cost";
import { readJsonBody } from "@mesh-six/shared/http/json-body";
import type { Context } from "hono";
import { needs } from "../access.ts";
import type { GatewayContext } from "../config.ts";
import { routeModule } from "../route-module.ts";

const example =
  '{"scope": "user", "subject": "alice", "period": "day", "tokens": 200000, "usd": 5, "onExceeded": "reject"}';

/**
 * Budgets (shared/src/cost): limits on LLM tokens and money that every call reserves against.
 * - `GET /budgets` → every budget with its current window and what it has used (the most used subjects).
 * - `GET /budgets/:name` → one.
 * - `PUT /budgets/:name` (admin) → creates (201) or replaces (200) it: `{scope, subject?, period, tokens?, usd?,
 *   onExceeded?, fallbackTier?, warnAt?}`; 400 naming the field.
 * - `DELETE /budgets/:name` (admin) → 204, 404 when there is none.
 */
export const budgetRoutes = routeModule("/budgets", (app, ctx) => {
  app.get("/", needs("read"), async (context) => {
    const budgets = await listBudgets(ctx.db);
    return context.json({ budgets: await Promise.all(budgets.map((budget) => viewOf(ctx, budget))) });
  });

  app.get("/:name", needs("read"), async (context) => {
    const name = nameOf(context);
    if (!name.ok) return name.response;
    const budget = await readBudget(ctx.db, name.value);
    if (!budget) return context.json({ error: notFound(name.value) }, 404);
    return context.json(await viewOf(ctx, budget));
  });

  app.put("/:name", needs("admin"), async (context) => {
    const name = nameOf(context);
    if (!name.ok) return name.response;
    const body = await readJsonBody(context.req.raw, { example });
    if (!body.ok) return body.response;
    const parsed = budgetInput.safeParse(body.value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.code === "unrecognized_keys" ? issue.keys[0] : issue.path.join(".") || "body";
      const message =
        issue.code === "unrecognized_keys"
          ? `unknown field '${field}'; accepted: scope, subject, period, tokens, usd, onExceeded, fallbackTier, warnAt`
          : `invalid field '${field}': ${issue.message}`;
      return context.json({ error: `${message}; e.g. ${example}`, field }, 400);
    }
    const created = await putBudget(ctx.db, name.value, parsed.data);
    const budget = await readBudget(ctx.db, name.value);
    return context.json(budget ? await viewOf(ctx, budget) : {}, created ? 201 : 200);
  });

  app.delete("/:name", needs("admin"), async (context) => {
    const name = nameOf(context);
    if (!name.ok) return name.response;
    if (!(await deleteBudget(ctx.db, name.value))) return context.json({ error: notFound(name.value) }, 404);
    return context.body(null, 204);
  });
});

type Named = { ok: true; value: string } | { ok: false; response: Response };

function nameOf(context: Context): Named {
  const value = context.req.param("name") ?? "";
  if (budgetNamePattern.test(value)) return { ok: true, value };
  return {
    ok: false,
    response: context.json(
      { error: `${budgetNameProblem}, got '${value.slice(0, 64)}'`, parameter: "name" },
      400,
    ),
  };
}

function notFound(name: string): string {
  return `no budget '${name}'; list them with GET /budgets, create it with PUT /budgets/${name}`;
}

async function viewOf(ctx: GatewayContext, budget: Budget) {
  const now = ctx.clock.now();
  const window = windowOf(budget.period, now);
  const use = await budgetUse(ctx.db, budget, now);
  return {
    name: budget.name,
    scope: budget.scope,
    subject: budget.subject,
    period: budget.period,
    tokens: budget.limitTokens ?? null,
    usd: budget.limitMicroUsd === undefined ? null : budget.limitMicroUsd / 1e6,
    onExceeded: budget.onExceeded,
    fallbackTier: budget.fallbackTier ?? null,
    warnAt: budget.warnAt,
    window: {
      start: new Date(window.start).toISOString(),
      resetsAt: window.resetsAt === undefined ? null : new Date(window.resetsAt).toISOString(),
    },
    used: use.slice(0, 20),
  };
}
