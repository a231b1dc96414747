import type { ModelTier } from "../llm/port.ts";
import type { SqlExecutor } from "../ports/db.ts";
import type { Budget, BudgetPeriod, BudgetScope, OverBudgetPolicy } from "./budget.ts";
import type { BudgetInput } from "./budget-input.ts";

interface BudgetRow {
  name: string;
  scope: BudgetScope;
  subject: string;
  period: BudgetPeriod;
  limit_tokens: number | null;
  limit_micro_usd: number | null;
  on_exceeded: OverBudgetPolicy;
  fallback_tier: ModelTier | null;
  warn_at: number;
}

const columns =
  "name, scope, subject, period, limit_tokens, limit_micro_usd, on_exceeded, fallback_tier, warn_at";

function toBudget(row: BudgetRow): Budget {
  return {
    name: row.name,
    scope: row.scope,
    subject: row.subject,
    period: row.period,
    ...(row.limit_tokens === null ? {} : { limitTokens: Number(row.limit_tokens) }),
    ...(row.limit_micro_usd === null ? {} : { limitMicroUsd: Number(row.limit_micro_usd) }),
    onExceeded: row.on_exceeded,
    ...(row.fallback_tier === null ? {} : { fallbackTier: row.fallback_tier }),
    warnAt: Number(row.warn_at),
  };
}

export async function listBudgets(db: SqlExecutor): Promise<Budget[]> {
  const { rows } = await db.query<BudgetRow>(`SELECT ${columns} FROM budgets ORDER BY name`);
  return rows.map(toBudget);
}

export async function readBudget(db: SqlExecutor, name: string): Promise<Budget | undefined> {
  const { rows } = await db.query<BudgetRow>(`SELECT ${columns} FROM budgets WHERE name = $1`, [name]);
  return rows[0] ? toBudget(rows[0]) : undefined;
}

/** The budgets a call for this agent, user and session counts against (one query). */
export async function budgetsFor(
  db: SqlExecutor,
  context: { readonly agentId?: string; readonly userId?: string; readonly sessionId?: string },
): Promise<Budget[]> {
  const { rows } = await db.query<BudgetRow>(
    `SELECT ${columns} FROM budgets
      WHERE scope = 'global'
         OR (scope = 'agent' AND $1 <> '' AND subject IN ('*', $1))
         OR (scope = 'user' AND $2 <> '' AND subject IN ('*', $2))
         OR (scope = 'session' AND $3 <> '' AND subject IN ('*', $3))
      ORDER BY name`,
    // '' for none: the statement then has the same parameter types every time
    [context.agentId ?? "", context.userId ?? "", context.sessionId ?? ""],
  );
  return rows.map(toBudget);
}

/** Creates or replaces a budget; true when it is new. */
export async function putBudget(db: SqlExecutor, name: string, input: BudgetInput): Promise<boolean> {
  const { rows } = await db.query<{ created: boolean }>(
    `INSERT INTO budgets (name, scope, subject, period, limit_tokens, limit_micro_usd, on_exceeded, fallback_tier, warn_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (name) DO UPDATE SET scope = EXCLUDED.scope, subject = EXCLUDED.subject, period = EXCLUDED.period,
       limit_tokens = EXCLUDED.limit_tokens, limit_micro_usd = EXCLUDED.limit_micro_usd,
       on_exceeded = EXCLUDED.on_exceeded, fallback_tier = EXCLUDED.fallback_tier, warn_at = EXCLUDED.warn_at,
       updated_at = now()
     RETURNING (xmax = 0) AS created`,
    [
      name,
      input.scope,
      input.subject,
      input.period,
      input.tokens ?? null,
      input.usd === undefined ? null : Math.round(input.usd * 1e6),
      input.onExceeded,
      input.onExceeded === "fallback" ? (input.fallbackTier ?? "local") : null,
      input.warnAt,
    ],
  );
  return rows[0]?.created === true;
}

export async function deleteBudget(db: SqlExecutor, name: string): Promise<boolean> {
  const { rowCount } = await db.query("DELETE FROM budgets WHERE name = $1", [name]);
  return rowCount > 0;
}
