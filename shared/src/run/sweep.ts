import type { SqlExecutor } from "../ports/db.ts";

/** A run the sweep wakes, and why. */
export interface DueRun {
  readonly runId: string;
  readonly functionName: string;
  readonly reason: "timer" | "wake" | "cancel" | "recover";
}

export interface RunSweepOptions {
  /** A running run nobody holds and nothing moved for this long is picked up again; default 30 s. */
  readonly stalledAfterMs?: number;
  readonly limit?: number;
  /** Events kept for late waits are dropped after this long; default 7 days. */
  readonly keepArrivalsMs?: number;
}

/**
 * The runs that need a hop now, for the scheduled sweep (the orchestrator's PingSource):
 * a sleep, timeout, approval deadline or retry fell due; a decided approval or finished
 * child task whose wake-up was lost; a cancel not carried out; a running run that nobody
 * holds and that has not moved (its continuation was lost or its hop crashed). Runs
 * leased by a live hop are left alone. Also forgets events kept for waits past their time.
 */
export async function dueRuns(
  db: SqlExecutor,
  now: number,
  options: RunSweepOptions = {},
): Promise<DueRun[]> {
  const stalledBefore = now - (options.stalledAfterMs ?? 30_000);
  const { rows } = await db.query<{ id: string; function_name: string; reason: DueRun["reason"] }>(
    `WITH free AS (
       SELECT id, function_name, status, cancel_requested_at, updated_at FROM runs
        WHERE status IN ('running', 'waiting') AND (lease_owner IS NULL OR lease_until <= $1)
     ), due AS (
       SELECT free.id, free.function_name, 'cancel' AS reason, 0 AS rank FROM free
        WHERE free.cancel_requested_at IS NOT NULL
       UNION ALL
       SELECT free.id, free.function_name, 'timer', 1 FROM free
        WHERE EXISTS (SELECT 1 FROM run_steps s WHERE s.run_id = free.id AND s.status IN ('waiting', 'retrying')
                         AND s.deadline <= $1)
       UNION ALL
       SELECT free.id, free.function_name, 'wake', 2 FROM free
        WHERE EXISTS (SELECT 1 FROM run_steps s JOIN approvals a ON a.id = s.wait_key
                       WHERE s.run_id = free.id AND s.status = 'waiting' AND s.wait_type = 'approval'
                         AND a.status <> 'pending')
           OR EXISTS (SELECT 1 FROM run_steps s JOIN tasks t ON t.id = s.wait_key
                       WHERE s.run_id = free.id AND s.status = 'waiting' AND s.wait_type = 'task'
                         AND t.status IN ('succeeded', 'failed'))
       UNION ALL
       SELECT free.id, free.function_name, 'recover', 3 FROM free
        WHERE free.status = 'running' AND free.updated_at <= $2
     )
     SELECT DISTINCT ON (id) id, function_name, reason FROM due ORDER BY id, rank LIMIT $3`,
    [now, stalledBefore, options.limit ?? 100],
  );
  await db.query("DELETE FROM run_arrivals WHERE received_at < $1", [
    now - (options.keepArrivalsMs ?? 7 * 86_400_000),
  ]);
  return rows.map((row) => ({ runId: row.id, functionName: row.function_name, reason: row.reason }));
}
