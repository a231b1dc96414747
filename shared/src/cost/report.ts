import { z } from "zod";
import type { SqlExecutor } from "../ports/db.ts";
import { type Period, periodInput, resolvePeriod } from "./period.ts";

export const costDimensions = ["agent", "capability", "model", "user", "task", "day"] as const;
export type CostDimension = (typeof costDimensions)[number];

const columnOf: Record<CostDimension, string> = {
  agent: "u.agent_id",
  capability: "u.capability",
  model: "u.model",
  user: "u.user_id",
  task: "u.task_id",
  day: "to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
};

/** What a report task, `GET /cost` and `mesh cost` ask for. */
export const reportRequest = z.strictObject({
  period: periodInput.default("today"),
  groupBy: z
    .array(z.enum(costDimensions, { error: `group by one of ${costDimensions.join(", ")}` }))
    .max(costDimensions.length)
    .default(["agent"]),
  top: z.number().int().min(1).max(100).default(5),
});
export type ReportRequest = z.input<typeof reportRequest>;

/** A report request checked at the edge: the request, or the first problem and the field it is in. */
export function parseReportRequest(
  input: unknown,
):
  | { readonly ok: true; readonly request: z.output<typeof reportRequest> }
  | { readonly ok: false; readonly problem: string; readonly field: string } {
  const result = reportRequest.safeParse(input);
  if (result.success) return { ok: true, request: result.data };
  const issue = result.error.issues[0];
  const field =
    issue?.code === "unrecognized_keys" ? String(issue.keys[0]) : (issue?.path ?? []).map(String).join(".");
  const problem =
    issue?.code === "unrecognized_keys"
      ? `unknown field "${field}"; a report takes period, groupBy and top`
      : `${field || "request"}: ${issue?.message ?? "invalid"}`;
  return { ok: false, problem, field };
}

/**
 * A report request as flat parameters (`GET /cost`'s query, `mesh cost`'s options): a
 * period name, or from and to; groupBy as a comma-separated list.
 */
export interface FlatReportRequest {
  readonly period?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly groupBy?: string | undefined;
  readonly top?: number | undefined;
}

/**
 * `parseReportRequest` over flat parameters; a problem names the flat parameter it is in
 * (`period`, `from`, `to`, `groupBy` or `top`). Whether a period and from/to may be given
 * together is for the edge to say first, in its own words.
 */
export function parseFlatReportRequest(
  flat: FlatReportRequest,
):
  | { readonly ok: true; readonly request: z.output<typeof reportRequest> }
  | { readonly ok: false; readonly problem: string; readonly parameter: string } {
  const { period, from, to, groupBy, top } = flat;
  const checked = parseReportRequest({
    ...(from !== undefined && to !== undefined
      ? { period: { from, to } }
      : period === undefined
        ? {}
        : { period }),
    ...(groupBy === undefined ? {} : { groupBy: groupBy.split(",").map((part) => part.trim()) }),
    ...(top === undefined ? {} : { top }),
  });
  if (checked.ok) return checked;
  const parameter = checked.field.startsWith("period.")
    ? checked.field.slice("period.".length)
    : (checked.field.split(".")[0] ?? "");
  return { ok: false, problem: checked.problem, parameter };
}

export interface CostTotals {
  readonly calls: number;
  readonly failedCalls: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly tokens: number;
  /** The priced calls' cost; see `unpricedCalls`. */
  readonly costUsd: number;
  /** Calls to models without a price: their cost is unknown, not zero, and not in `costUsd`. */
  readonly unpricedCalls: number;
  /** Distinct tasks with calls here that succeeded. */
  readonly successfulTasks: number;
  /** costUsd / successfulTasks; null when no task succeeded. */
  readonly costPerSuccessfulTaskUsd: number | null;
}

export interface CostGroup extends CostTotals {
  /** The agent, model, … or day; null for calls without one (a gateway search has no agent). */
  readonly key: string | null;
}

export interface CostReport {
  /** ISO-8601; `to` excluded. */
  readonly from: string;
  readonly to: string;
  readonly summary: CostTotals;
  /** Models called in the period that have no price: add them to LLM_PRICES. */
  readonly unpricedModels: readonly string[];
  readonly groups: Partial<Record<CostDimension, readonly CostGroup[]>>;
  readonly topSpenders: { readonly agents: readonly CostGroup[]; readonly users: readonly CostGroup[] };
  /** The period's spend per day against the seven days before it. */
  readonly trailingWeek: {
    readonly dailyAverageUsd: number;
    readonly periodDailyAverageUsd: number;
    /** (period − trailing) / trailing; null when the trailing week spent nothing. */
    readonly change: number | null;
  };
}

interface TotalsRow {
  key: string | null;
  calls: number;
  failed: number;
  prompt: number;
  completion: number;
  cost: number;
  unpriced: number;
  succeeded: number;
}

const dayMs = 86_400_000;

async function totals(
  db: SqlExecutor,
  period: Period,
  dimension: CostDimension | undefined,
): Promise<TotalsRow[]> {
  const key = dimension ? columnOf[dimension] : "NULL::text";
  const { rows } = await db.query<TotalsRow>(
    `SELECT ${key} AS key, count(*)::int AS calls,
            count(*) FILTER (WHERE u.outcome <> 'ok')::int AS failed,
            coalesce(sum(u.prompt_tokens), 0)::float8 AS prompt,
            coalesce(sum(u.completion_tokens), 0)::float8 AS completion,
            coalesce(sum(u.cost_usd) FILTER (WHERE u.priced), 0)::float8 AS cost,
            count(*) FILTER (WHERE NOT u.priced)::int AS unpriced,
            count(DISTINCT u.task_id) FILTER (WHERE t.status = 'succeeded')::int AS succeeded
       FROM llm_usage u LEFT JOIN tasks t ON t.id = u.task_id
      WHERE u.created_at >= to_timestamp($1 / 1000.0) AND u.created_at < to_timestamp($2 / 1000.0)
      ${dimension ? "GROUP BY 1 ORDER BY cost DESC, calls DESC, key" : ""}`,
    [period.from, period.to],
  );
  return rows;
}

function toTotals(row: TotalsRow | undefined): CostTotals {
  const cost = Number(row?.cost ?? 0);
  const succeeded = Number(row?.succeeded ?? 0);
  const prompt = Number(row?.prompt ?? 0);
  const completion = Number(row?.completion ?? 0);
  return {
    calls: Number(row?.calls ?? 0),
    failedCalls: Number(row?.failed ?? 0),
    promptTokens: prompt,
    completionTokens: completion,
    tokens: prompt + completion,
    costUsd: cost,
    unpricedCalls: Number(row?.unpriced ?? 0),
    successfulTasks: succeeded,
    costPerSuccessfulTaskUsd: succeeded === 0 ? null : cost / succeeded,
  };
}

const toGroup = (row: TotalsRow): CostGroup => ({ key: row.key, ...toTotals(row) });

/**
 * LLM spend from `llm_usage` over a period: the totals, one table per dimension asked for,
 * the top spending agents and users, the models without a price, and the change against
 * the trailing week.
 */
export async function buildCostReport(
  db: SqlExecutor,
  request: ReportRequest,
  now: number,
): Promise<CostReport> {
  const checked = parseReportRequest(request);
  if (!checked.ok) throw new RangeError(checked.problem);
  const parsed = checked.request;
  const period = resolvePeriod(parsed.period, now);
  const trailing = { from: period.from - 7 * dayMs, to: period.from };
  const wanted = [...new Set<CostDimension>([...parsed.groupBy, "agent", "user"])];
  const [summary, previous, unpriced, ...tables] = await Promise.all([
    totals(db, period, undefined),
    totals(db, trailing, undefined),
    db.query<{ model: string }>(
      `SELECT DISTINCT model FROM llm_usage
        WHERE NOT priced AND created_at >= to_timestamp($1 / 1000.0) AND created_at < to_timestamp($2 / 1000.0)
        ORDER BY model`,
      [period.from, period.to],
    ),
    ...wanted.map((dimension) => totals(db, period, dimension)),
  ]);
  const byDimension = new Map(
    wanted.map((dimension, index) => [dimension, (tables[index] ?? []).map(toGroup)]),
  );
  const groups = Object.fromEntries(
    parsed.groupBy.map((dimension) => [dimension, byDimension.get(dimension) ?? []]),
  );
  const total = toTotals(summary[0]);
  const days = Math.max((period.to - period.from) / dayMs, 1 / 24);
  const dailyAverageUsd = toTotals(previous[0]).costUsd / 7;
  const periodDailyAverageUsd = total.costUsd / days;
  const top = (dimension: CostDimension) =>
    (byDimension.get(dimension) ?? []).filter((group) => group.key !== null).slice(0, parsed.top);
  return {
    from: new Date(period.from).toISOString(),
    to: new Date(period.to).toISOString(),
    summary: total,
    unpricedModels: unpriced.rows.map((row) => row.model),
    groups,
    topSpenders: { agents: top("agent"), users: top("user") },
    trailingWeek: {
      dailyAverageUsd,
      periodDailyAverageUsd,
      change: dailyAverageUsd === 0 ? null : (periodDailyAverageUsd - dailyAverageUsd) / dailyAverageUsd,
    },
  };
}
