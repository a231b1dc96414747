import type { SqlExecutor } from "../ports/db.ts";
import type { Amounts, Counter, Limits, ReservationStore } from "./reservation-store.ts";

const key = "budget_name, subject, window_start";

/**
 * Budget counters in `budget_usage`. A reservation is one statement: an upsert whose
 * update only happens `WHERE used + estimate <= limit`, so Postgres' row lock decides
 * between concurrent callers and nothing is read first.
 */
export function createPostgresReservations(db: SqlExecutor): ReservationStore {
  return {
    kind: "postgres",
    async reserve(counter, amounts, limits) {
      if (over(amounts, limits)) return false;
      const { rows } = await db.query(
        `INSERT INTO budget_usage (${key}, used_tokens, used_micro_usd)
         VALUES ($1, $2, to_timestamp($3 / 1000.0), $4, $5)
         ON CONFLICT (${key}) DO UPDATE
            SET used_tokens = budget_usage.used_tokens + EXCLUDED.used_tokens,
                used_micro_usd = budget_usage.used_micro_usd + EXCLUDED.used_micro_usd
          WHERE ($6::bigint IS NULL OR budget_usage.used_tokens + EXCLUDED.used_tokens <= $6::bigint)
            AND ($7::bigint IS NULL OR budget_usage.used_micro_usd + EXCLUDED.used_micro_usd <= $7::bigint)
         RETURNING used_tokens`,
        [...where(counter), amounts.tokens, amounts.microUsd, limits.tokens ?? null, limits.microUsd ?? null],
      );
      return rows.length === 1;
    },
    async adjust(counter, delta) {
      await db.query(
        `INSERT INTO budget_usage (${key}, used_tokens, used_micro_usd)
         VALUES ($1, $2, to_timestamp($3 / 1000.0), $4, $5)
         ON CONFLICT (${key}) DO UPDATE
            SET used_tokens = budget_usage.used_tokens + EXCLUDED.used_tokens,
                used_micro_usd = budget_usage.used_micro_usd + EXCLUDED.used_micro_usd`,
        [...where(counter), delta.tokens, delta.microUsd],
      );
    },
    async used(counter) {
      const { rows } = await db.query<{ used_tokens: number; used_micro_usd: number }>(
        `SELECT used_tokens, used_micro_usd FROM budget_usage
          WHERE budget_name = $1 AND subject = $2 AND window_start = to_timestamp($3 / 1000.0)`,
        where(counter),
      );
      const row = rows[0];
      return row
        ? { tokens: Number(row.used_tokens), microUsd: Number(row.used_micro_usd) }
        : { tokens: 0, microUsd: 0 };
    },
  };
}

function where(counter: Counter): [string, string, number] {
  return [counter.budget, counter.subject, counter.windowStart];
}

/** True when the amounts alone pass a limit (a first reservation inserts without the check). */
export function over(amounts: Amounts, limits: Limits): boolean {
  return (
    (limits.tokens !== undefined && amounts.tokens > limits.tokens) ||
    (limits.microUsd !== undefined && amounts.microUsd > limits.microUsd)
  );
}
