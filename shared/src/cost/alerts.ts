import type { SqlExecutor } from "../ports/db.ts";
import { type Budget, describeBudget, formatUsd, windowOf } from "./budget.ts";
import { listBudgets } from "./budget-records.ts";
import { budgetUse } from "./budget-use.ts";

export interface AlertSettings {
  /** Spend in the last 24 hours past this many times the trailing daily average is a spike. */
  readonly spikeFactor: number;
  /** No spike below this much spend in 24 hours (USD), and a spender with no history is measured against it. */
  readonly minimumUsd: number;
}

export interface CostAlert {
  /** Names what and the window: an alert with a key already sent is not sent again. */
  readonly key: string;
  readonly kind: "spike" | "budget-warning";
  readonly scope: "agent" | "user" | "session" | "global";
  readonly subject: string;
  readonly budget?: string;
  readonly message: string;
  readonly windowStart: string;
  readonly spentUsd: number;
  readonly baselineUsd?: number;
  readonly usedTokens?: number;
  readonly limitTokens?: number;
  readonly limitUsd?: number;
}

const dayMs = 86_400_000;
const columnOf = { agent: "agent_id", user: "user_id" } as const;

/**
 * What needs an alert at `now`: each agent and user whose spend in the last 24 hours is past
 * `spikeFactor` times its own daily average over the 7 days before (window: the UTC day),
 * and each budget past its warning share in its current window (from llm_usage, whichever
 * store counts the reservations).
 */
export async function findCostAlerts(
  db: SqlExecutor,
  now: number,
  settings: AlertSettings,
): Promise<CostAlert[]> {
  const spikes = await Promise.all(
    (["agent", "user"] as const).map((scope) => findSpikes(db, now, settings, scope)),
  );
  const budgets = await listBudgets(db);
  const warnings = await Promise.all(budgets.map((budget) => budgetWarnings(db, now, budget)));
  return [...spikes.flat(), ...warnings.flat()];
}

async function findSpikes(
  db: SqlExecutor,
  now: number,
  settings: AlertSettings,
  scope: "agent" | "user",
): Promise<CostAlert[]> {
  const column = columnOf[scope];
  const { rows } = await db.query<{ subject: string; recent: number; before: number }>(
    `SELECT ${column} AS subject,
            coalesce(sum(cost_usd) FILTER (WHERE created_at >= to_timestamp($1 / 1000.0)), 0)::float8 AS recent,
            coalesce(sum(cost_usd) FILTER (WHERE created_at < to_timestamp($1 / 1000.0)), 0)::float8 AS before
       FROM llm_usage
      WHERE ${column} IS NOT NULL AND priced
        AND created_at >= to_timestamp($2 / 1000.0) AND created_at < to_timestamp($3 / 1000.0)
      GROUP BY 1 ORDER BY 1`,
    [now - dayMs, now - 8 * dayMs, now],
  );
  const day = new Date(windowOf("day", now).start).toISOString();
  return rows.flatMap((row) => {
    const recent = Number(row.recent);
    const baseline = Number(row.before) / 7;
    const threshold = settings.spikeFactor * Math.max(baseline, settings.minimumUsd);
    if (recent < settings.minimumUsd || recent <= threshold) return [];
    const against =
      baseline > 0
        ? `${(recent / baseline).toFixed(1)}× its daily average of $${formatUsd(baseline)} over the 7 days before`
        : `with no spend in the 7 days before (alerting past ${settings.spikeFactor}× $${formatUsd(settings.minimumUsd)})`;
    return [
      {
        key: `spike:${scope}:${row.subject}:${day}`,
        kind: "spike" as const,
        scope,
        subject: row.subject,
        message: `${scope} ${row.subject} spent $${formatUsd(recent)} in the last 24 hours, ${against}`,
        windowStart: day,
        spentUsd: recent,
        baselineUsd: baseline,
      },
    ];
  });
}

async function budgetWarnings(db: SqlExecutor, now: number, budget: Budget): Promise<CostAlert[]> {
  const start = new Date(windowOf(budget.period, now).start).toISOString();
  return (await budgetUse(db, budget, now)).flatMap((use) => {
    if (use.share < budget.warnAt) return [];
    const whom = use.subject === "*" ? "" : ` (${budget.scope} ${use.subject})`;
    return [
      {
        key: `budget:${budget.name}:${use.subject}:${start}`,
        kind: "budget-warning" as const,
        scope: budget.scope,
        subject: use.subject,
        budget: budget.name,
        message: `budget "${budget.name}"${whom} is ${Math.round(use.share * 100)}% used (warning at ${Math.round(budget.warnAt * 100)}%): ${use.tokens} tokens and $${formatUsd(use.costUsd)} of ${describeBudget(budget)}`,
        windowStart: start,
        spentUsd: use.costUsd,
        usedTokens: use.tokens,
        ...(budget.limitTokens === undefined ? {} : { limitTokens: budget.limitTokens }),
        ...(budget.limitMicroUsd === undefined ? {} : { limitUsd: budget.limitMicroUsd / 1e6 }),
      },
    ];
  });
}

/** Records that an alert is sent; false when it was already (the same key, the same window). */
export async function claimAlert(db: SqlExecutor, alert: CostAlert): Promise<boolean> {
  const { key, ...detail } = alert;
  const { rows } = await db.query(
    `INSERT INTO cost_alerts (alert_key, kind, detail) VALUES ($1, $2, $3)
     ON CONFLICT (alert_key) DO NOTHING RETURNING alert_key`,
    [key, alert.kind, JSON.stringify(detail)],
  );
  return rows.length === 1;
}
