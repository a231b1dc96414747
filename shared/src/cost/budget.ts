import type { ModelTier } from "../llm/port.ts";

export const budgetScopes = ["global", "user", "session", "agent"] as const;
export type BudgetScope = (typeof budgetScopes)[number];
export const budgetPeriods = ["day", "week", "month", "total"] as const;
export type BudgetPeriod = (typeof budgetPeriods)[number];
export const overBudgetPolicies = ["reject", "fallback"] as const;
export type OverBudgetPolicy = (typeof overBudgetPolicies)[number];

/**
 * A limit on LLM use, in tokens and/or money, for one scope and period: every user (or
 * session, or agent) separately when `subject` is `*`, one of them when named, or all
 * calls together (`global`). Windows are UTC days, ISO weeks (from Monday) and months.
 */
export interface Budget {
  readonly name: string;
  readonly scope: BudgetScope;
  readonly subject: string;
  readonly period: BudgetPeriod;
  readonly limitTokens?: number;
  /** Millionths of a USD. */
  readonly limitMicroUsd?: number;
  /** Over it: the call fails `budget_exceeded`, or moves to `fallbackTier` (where this budget no longer limits it). */
  readonly onExceeded: OverBudgetPolicy;
  readonly fallbackTier?: ModelTier;
  /** The share of the limit past which a warning alert is sent once per window (0–1]. */
  readonly warnAt: number;
}

export interface BudgetWindow {
  /** Milliseconds since the epoch. */
  readonly start: number;
  /** When the next window starts; undefined for a `total` budget, which never resets. */
  readonly resetsAt: number | undefined;
}

const dayMs = 86_400_000;

/** The window of `period` that holds `at` (UTC). */
export function windowOf(period: BudgetPeriod, at: number): BudgetWindow {
  const date = new Date(at);
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  switch (period) {
    case "day":
      return { start: day, resetsAt: day + dayMs };
    case "week": {
      const start = day - ((date.getUTCDay() + 6) % 7) * dayMs;
      return { start, resetsAt: start + 7 * dayMs };
    }
    case "month":
      return {
        start: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1),
        resetsAt: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1),
      };
    case "total":
      return { start: 0, resetsAt: undefined };
  }
}

/** The user, session or agent a call is counted under for this budget; undefined when it does not apply. */
export function subjectOf(
  budget: Budget,
  context: { readonly agentId?: string; readonly userId?: string; readonly sessionId?: string },
): string | undefined {
  if (budget.scope === "global") return "*";
  const id =
    budget.scope === "user" ? context.userId : budget.scope === "agent" ? context.agentId : context.sessionId;
  if (id === undefined || id === "") return undefined;
  return budget.subject === "*" || budget.subject === id ? id : undefined;
}

/** "100000 tokens and $5.00 a day for each user", for messages. */
export function describeBudget(budget: Budget): string {
  const limits = [
    budget.limitTokens === undefined ? undefined : `${budget.limitTokens} tokens`,
    budget.limitMicroUsd === undefined ? undefined : `$${formatUsd(budget.limitMicroUsd / 1e6)}`,
  ].filter(Boolean);
  const per = budget.period === "total" ? "in total" : `a ${budget.period}`;
  const whom =
    budget.scope === "global"
      ? "for all calls"
      : budget.subject === "*"
        ? `for each ${budget.scope}`
        : `for ${budget.scope} ${budget.subject}`;
  return `${limits.join(" and ")} ${per} ${whom}`;
}

export function formatUsd(amount: number): string {
  return amount >= 0.01 || amount === 0 ? amount.toFixed(2) : amount.toPrecision(2);
}
