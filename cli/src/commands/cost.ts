import { costDimensions, namedPeriods, parseFlatReportRequest } from "@mesh-six/shared/cost";
import { z } from "zod";
import { booleanOption, type Command, stringOption, UsageError } from "../command.ts";
import { endpoint, sendForJsonText } from "../http.ts";
import { formatTable } from "../table.ts";

const totals = z.object({
  calls: z.number(),
  failedCalls: z.number(),
  tokens: z.number(),
  costUsd: z.number(),
  unpricedCalls: z.number(),
  successfulTasks: z.number(),
  costPerSuccessfulTaskUsd: z.number().nullable(),
});
const group = totals.extend({ key: z.string().nullable() });
const report = z.object({
  from: z.string(),
  to: z.string(),
  summary: totals,
  unpricedModels: z.array(z.string()),
  groups: z.record(z.string(), z.array(group)),
  trailingWeek: z.object({
    dailyAverageUsd: z.number(),
    periodDailyAverageUsd: z.number(),
    change: z.number().nullable(),
  }),
});
type Totals = z.output<typeof totals>;

const usd = (amount: number) => `$${amount.toFixed(amount !== 0 && amount < 0.01 ? 6 : 2)}`;
/** A cost with its unpriced calls named: their cost is unknown, not zero. */
const cost = (row: Totals) =>
  `${usd(row.costUsd)}${row.unpricedCalls > 0 ? ` + ${row.unpricedCalls} unpriced` : ""}`;

const costCommand: Command = {
  name: "cost",
  summary: "LLM spend: tokens, cost and calls, by agent, model, user, …",
  description:
    "Reads GET /cost. Calls to models without a price are counted as 'unpriced' (their cost is unknown): add those models to LLM_PRICES.",
  options: {
    period: {
      type: "string",
      short: "p",
      placeholder: "period",
      description: `${namedPeriods.join(", ")} (default today); or give --from and --to`,
    },
    from: {
      type: "string",
      placeholder: "date",
      description: "start, e.g. 2026-03-01 (00:00 UTC) or an RFC 3339 time",
    },
    to: { type: "string", placeholder: "date", description: "end, excluded" },
    "group-by": {
      type: "string",
      short: "g",
      placeholder: "dimensions",
      description: `comma-separated: ${costDimensions.join(", ")} (default agent)`,
    },
    top: { type: "string", placeholder: "count", description: "top spenders to name (default 5)" },
    json: { type: "boolean", description: "print the report as the mesh sent it" },
  },
  examples: [
    "mesh cost",
    "mesh cost --period week --group-by agent,model",
    "mesh cost --from 2026-03-01 --to 2026-03-08 -g user",
  ],
  async run(input, io) {
    const period = stringOption(input, "period");
    const from = stringOption(input, "from");
    const to = stringOption(input, "to");
    const groupBy = stringOption(input, "group-by");
    const top = stringOption(input, "top");
    if (period !== undefined && (from !== undefined || to !== undefined)) {
      throw new UsageError("give --period, or --from and --to, not both");
    }
    if ((from === undefined) !== (to === undefined))
      throw new UsageError("give both --from and --to (to excluded)");
    if (top !== undefined && !/^\d+$/.test(top))
      throw new UsageError(`--top must be a whole number from 1 to 100 (got '${top}')`);
    const checked = parseFlatReportRequest({
      period,
      from,
      to,
      groupBy,
      top: top === undefined ? undefined : Number(top),
    });
    if (!checked.ok) {
      const option = checked.parameter === "groupBy" ? "group-by" : checked.parameter;
      throw new UsageError(`--${option || "period"}: ${checked.problem}`);
    }
    const url = endpoint(input.url, "/cost", {
      period,
      from,
      to,
      groupBy,
      top,
    });
    const { data, text } = await sendForJsonText(io, url, report);
    if (booleanOption(input, "json")) {
      io.stdout(`${text}\n`);
      return;
    }
    const { summary, trailingWeek } = data;
    const lines = [
      `${data.from} – ${data.to}`,
      `${summary.calls} calls (${summary.failedCalls} failed), ${summary.tokens} tokens, ${cost(summary)}; ${summary.successfulTasks} successful tasks, ${summary.costPerSuccessfulTaskUsd === null ? "no cost per task" : `${usd(summary.costPerSuccessfulTaskUsd)} each`}`,
      `per day ${usd(trailingWeek.periodDailyAverageUsd)} against ${usd(trailingWeek.dailyAverageUsd)} in the 7 days before${trailingWeek.change === null ? "" : ` (${trailingWeek.change >= 0 ? "+" : ""}${Math.round(trailingWeek.change * 100)}%)`}`,
      ...(data.unpricedModels.length > 0
        ? [`unpriced models (add them to LLM_PRICES): ${data.unpricedModels.join(", ")}`]
        : []),
    ];
    const tables = Object.entries(data.groups).map(
      ([dimension, rows]) =>
        `\n${formatTable(
          [dimension.toUpperCase(), "CALLS", "TOKENS", "COST", "PER TASK"],
          rows.map((row) => [
            row.key ?? "(none)",
            String(row.calls),
            String(row.tokens),
            cost(row),
            row.costPerSuccessfulTaskUsd === null ? "-" : usd(row.costPerSuccessfulTaskUsd),
          ]),
        )}`,
    );
    io.stdout(`${lines.join("\n")}\n${tables.join("")}`);
  },
};

export const costCommands: readonly Command[] = [costCommand];
