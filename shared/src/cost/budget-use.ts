import type { SqlExecutor } from "../ports/db.ts";
import { type Budget, windowOf } from "./budget.ts";

export interface BudgetUse {
  /** The user, session or agent; `*` for a global budget. */
  readonly subject: string;
  readonly tokens: number;
  readonly costUsd: number;
  /** The larger of the token and money shares of the limit used (0–1 and past). */
  readonly share: number;
}

const columnOf = { user: "user_id", session: "session_id", agent: "agent_id" } as const;

/**
 * What each subject of a budget has used in the window holding `now`, from llm_usage (the
 * settled record, whichever store counts the reservations), most used first.
 */
export async function budgetUse(db: SqlExecutor, budget: Budget, now: number): Promise<BudgetUse[]> {
  const window = windowOf(budget.period, now);
  const global = budget.scope === "global";
  const column = global ? "'*'" : columnOf[budget.scope];
  const named = !global && budget.subject !== "*";
  const { rows } = await db.query<{ subject: string; tokens: number; cost: number }>(
    `SELECT ${column} AS subject, sum(prompt_tokens + completion_tokens)::float8 AS tokens,
            coalesce(sum(cost_usd), 0)::float8 AS cost
       FROM llm_usage
      WHERE created_at >= to_timestamp($1 / 1000.0) AND created_at < to_timestamp($2 / 1000.0)
        ${global ? "" : `AND ${column} IS NOT NULL`} ${named ? `AND ${column} = $3` : ""}
      GROUP BY 1`,
    [window.start, now + 1, ...(named ? [budget.subject] : [])],
  );
  return rows
    .map((row) => {
      const tokens = Number(row.tokens);
      const costUsd = Number(row.cost);
      const share = Math.max(
        budget.limitTokens === undefined ? 0 : tokens / budget.limitTokens,
        budget.limitMicroUsd === undefined ? 0 : (costUsd * 1e6) / budget.limitMicroUsd,
      );
      return { subject: row.subject, tokens, costUsd, share };
    })
    .sort((a, b) => b.share - a.share || a.subject.localeCompare(b.subject));
}
