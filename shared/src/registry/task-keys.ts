import type { SqlExecutor } from "../ports/db.ts";

/** How long an Idempotency-Key of POST /tasks is remembered (as Stripe keeps them). */
export const taskKeyLifetimeMs = 24 * 60 * 60 * 1000;

export interface TaskKeyClaim {
  /** Whose key it is (one client's keys never meet another's); "" for the mesh as a whole. */
  readonly scope?: string;
  readonly key: string;
  /** What the request asked for, hashed: a retry carries the same, a different request not. */
  readonly fingerprint: string;
  readonly taskId: string;
  /** Milliseconds since the epoch. */
  readonly now: number;
}

/** The request that used a key first. */
export interface FirstRequest {
  readonly taskId: string;
  readonly fingerprint: string;
  readonly createdAt: number;
}

/**
 * Takes `key` for a new task inside the caller's transaction, or returns the request
 * that took it first (within the last 24 hours). Two requests with one key at once: the
 * second waits for the first's transaction, then gets its task back.
 */
export async function claimTaskKey(tx: SqlExecutor, claim: TaskKeyClaim): Promise<FirstRequest | undefined> {
  const scope = claim.scope ?? "";
  const taken = await tx.query(
    `INSERT INTO task_idempotency_keys (scope, idempotency_key, fingerprint, task_id, created_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (scope, idempotency_key) DO UPDATE
        SET fingerprint = EXCLUDED.fingerprint, task_id = EXCLUDED.task_id, created_at = EXCLUDED.created_at
      WHERE task_idempotency_keys.created_at <= $6
     RETURNING 1`,
    [scope, claim.key, claim.fingerprint, claim.taskId, claim.now, claim.now - taskKeyLifetimeMs],
  );
  if (taken.rows.length > 0) return undefined;
  // a statement of its own, so it sees the first request's row once that one committed
  const { rows } = await tx.query<{ task_id: string; fingerprint: string; created_at: string | number }>(
    `SELECT task_id, fingerprint, created_at FROM task_idempotency_keys
      WHERE scope = $1 AND idempotency_key = $2`,
    [scope, claim.key],
  );
  const first = rows[0];
  if (!first) throw new Error(`Idempotency-Key ${claim.key} is neither free nor taken; try again`);
  return { taskId: first.task_id, fingerprint: first.fingerprint, createdAt: Number(first.created_at) };
}
