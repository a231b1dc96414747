import { buildCostReport, costDimensions, namedPeriods, parseFlatReportRequest } from "@mesh-six/shared/cost";
import { z } from "zod";
import { needs } from "../access.ts";
import { parseQuery, wholeNumber } from "../query.ts";
import { routeModule } from "../route-module.ts";

const costQuery = z.strictObject({
  period: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  groupBy: z.string().optional(),
  top: wholeNumber(1, 100).optional(),
});

/**
 * LLM spend (shared/src/cost/report.ts):
 * - `GET /cost?period=today|yesterday|week|month` or `?from=2026-03-01&to=2026-03-08`, `&groupBy=agent,model`
 *   (agent, capability, model, user, task, day), `&top=5` → the report: totals, the groups, the top
 *   spenders, the models without a price, the change against the trailing week. 400 naming the
 *   parameter for a period, date or grouping it cannot report.
 */
export const costRoutes = routeModule("/cost", (app, ctx) => {
  app.get("/", needs("read"), async (context) => {
    const query = parseQuery(context, costQuery);
    if (!query.ok) return query.response;
    const { period, from, to, groupBy, top } = query.data;
    if (period !== undefined && (from !== undefined || to !== undefined)) {
      return context.json({ error: "give period, or from and to, not both", parameter: "period" }, 400);
    }
    if ((from === undefined) !== (to === undefined)) {
      const missing = from === undefined ? "from" : "to";
      return context.json(
        {
          error: `give both from and to (dates such as 2026-03-01, to excluded); ${missing} is missing`,
          parameter: missing,
        },
        400,
      );
    }
    const checked = parseFlatReportRequest({ period, from, to, groupBy, top });
    if (!checked.ok) {
      const { parameter } = checked;
      const accepted =
        parameter === "groupBy"
          ? `; accepted: ${costDimensions.join(", ")}`
          : parameter === "period"
            ? `; accepted: ${namedPeriods.join(", ")}, or from and to`
            : "";
      return context.json({ error: `${checked.problem}${accepted}`, parameter }, 400);
    }
    return context.json(await buildCostReport(ctx.db, checked.request, ctx.clock.now()));
  });
});
