import { LlmError } from "../llm/errors.ts";
import type { LlmCallContext, ModelTier } from "../llm/port.ts";
import type { Clock } from "../ports/clock.ts";
import type { SqlExecutor } from "../ports/db.ts";
import { type Budget, describeBudget, subjectOf, windowOf } from "./budget.ts";
import { budgetsFor } from "./budget-records.ts";
import type { Amounts, Counter, ReservationStore } from "./reservation-store.ts";
import { tierRank } from "./tier-choice.ts";

/** What a call on one tier is estimated to use; `priced` false when its model has no price. */
export interface Estimate extends Amounts {
  readonly priced: boolean;
  readonly modelId: string;
}

/** What a call holds of its budgets until it settles: the tier it may use and the counters it reserved on. */
export interface Hold {
  readonly tier: ModelTier;
  /** The budget whose fallback policy moved the call to `tier`. */
  readonly fallbackBudget?: string;
  /** True when some budget applies (the call's output is then capped at its estimate). */
  readonly limited: boolean;
  readonly estimate?: Estimate;
  readonly counters: readonly Counter[];
}

export interface BudgetGuard {
  readonly store: ReservationStore;
  /** Reserves the estimate on every budget the call counts against, or throws LlmError `budget_exceeded`. */
  reserve(
    context: LlmCallContext,
    tier: ModelTier,
    estimateFor: (tier: ModelTier) => Estimate,
  ): Promise<Hold>;
  /** Replaces the estimate with what the call used (nothing, when it failed). */
  settle(hold: Hold, used: Amounts): Promise<void>;
}

export interface BudgetGuardSettings {
  readonly db: SqlExecutor;
  readonly store: ReservationStore;
  readonly clock: Clock;
}

/**
 * The budget check every LLM call takes (shared/src/llm/create.ts): the budgets that
 * apply are read in one query; the estimate is reserved on each in one atomic step; over a
 * limit, the budget's policy rejects the call or moves it to a cheaper tier, where that
 * budget counts it without limiting it.
 */
export function createBudgetGuard(settings: BudgetGuardSettings): BudgetGuard {
  const { store, clock } = settings;
  const give = async (counters: readonly Counter[], amounts: Amounts) => {
    for (const counter of counters) {
      await store.adjust(counter, { tokens: -amounts.tokens, microUsd: -amounts.microUsd });
    }
  };
  return {
    store,
    async reserve(context, requested, estimateFor) {
      const applying = (await budgetsFor(settings.db, context)).flatMap((budget) => {
        const subject = subjectOf(budget, context);
        return subject === undefined ? [] : [{ budget, subject }];
      });
      if (applying.length === 0) return { tier: requested, limited: false, counters: [] };
      const now = clock.now();
      let tier = requested;
      let fallbackBudget: string | undefined;
      const exempt = new Set<string>();
      for (;;) {
        const estimate = estimateFor(tier);
        const taken: Counter[] = [];
        let refused: { budget: Budget; counter: Counter } | undefined;
        for (const { budget, subject } of applying) {
          const window = windowOf(budget.period, now);
          const counter = {
            budget: budget.name,
            subject,
            windowStart: window.start,
            resetsAt: window.resetsAt,
          };
          if (exempt.has(budget.name)) {
            // counted, not limited: the call fell back to this budget's cheaper tier
            await store.adjust(counter, estimate);
            taken.push(counter);
            continue;
          }
          if (budget.limitMicroUsd !== undefined && !estimate.priced) {
            await give(taken, estimate);
            throw unpriced(budget, estimate.modelId);
          }
          if (
            !(await store.reserve(counter, estimate, {
              ...(budget.limitTokens === undefined ? {} : { tokens: budget.limitTokens }),
              ...(budget.limitMicroUsd === undefined ? {} : { microUsd: budget.limitMicroUsd }),
            }))
          ) {
            refused = { budget, counter };
            break;
          }
          taken.push(counter);
        }
        if (!refused) {
          return {
            tier,
            limited: true,
            estimate,
            counters: taken,
            ...(fallbackBudget ? { fallbackBudget } : {}),
          };
        }
        await give(taken, estimate);
        const { budget, counter } = refused;
        const fallback = budget.fallbackTier ?? "local";
        if (budget.onExceeded === "fallback" && tierRank(fallback) < tierRank(tier)) {
          tier = fallback;
          fallbackBudget = budget.name;
          exempt.add(budget.name);
          continue;
        }
        throw exceeded(budget, counter, estimate, await store.used(counter));
      }
    },
    async settle(hold, used) {
      if (!hold.estimate) return;
      const delta = {
        tokens: used.tokens - hold.estimate.tokens,
        microUsd: used.microUsd - hold.estimate.microUsd,
      };
      if (delta.tokens === 0 && delta.microUsd === 0) return;
      for (const counter of hold.counters) await store.adjust(counter, delta);
    },
  };
}

function exceeded(budget: Budget, counter: Counter, estimate: Estimate, used: Amounts): LlmError {
  const parts = [
    budget.limitTokens === undefined ? undefined : `${used.tokens} of ${budget.limitTokens} tokens`,
    budget.limitMicroUsd === undefined
      ? undefined
      : `$${(used.microUsd / 1e6).toFixed(6)} of $${(budget.limitMicroUsd / 1e6).toFixed(2)}`,
  ].filter(Boolean);
  const resets =
    counter.resetsAt === undefined
      ? "it does not reset (a total budget): raise it with mesh budgets set or PUT /budgets"
      : `it resets at ${new Date(counter.resetsAt).toISOString()}`;
  const subject = counter.subject === "*" ? "" : ` (${budget.scope} ${counter.subject})`;
  return new LlmError(
    "budget_exceeded",
    `budget "${budget.name}"${subject} is used up: ${parts.join(" and ")} used, and this call needs an estimated ${estimate.tokens} tokens; ${resets}; the budget allows ${describeBudget(budget)}`,
    { retryable: false },
  );
}

function unpriced(budget: Budget, modelId: string): LlmError {
  return new LlmError(
    "invalid_input",
    `budget "${budget.name}" limits money, but model "${modelId}" has no price: add it to LLM_PRICES (USD per million tokens, e.g. {"${modelId}":{"input":0.5,"output":1.5}})`,
    { retryable: false },
  );
}
