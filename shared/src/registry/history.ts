import type { SqlExecutor } from "../ports/db.ts";

/** One result of one attempt, as scoring reads it. */
export interface HistoryEntry {
  readonly taskId: string;
  readonly attempt: number;
  readonly agentId: string;
  readonly capability: string;
  readonly success: boolean;
  readonly durationMs?: number;
  readonly errorType?: string;
  readonly context?: Record<string, unknown>;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

/**
 * Records the result of an attempt in `agent_task_history`. Returns false when that
 * attempt already has a result (a redelivered completion, or one arriving after the
 * attempt timed out): the first result of an attempt is the one that counts.
 */
export async function recordResult(db: SqlExecutor, entry: HistoryEntry): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO agent_task_history
       (agent_id, capability, success, duration_ms, error_type, context, created_at, task_id, attempt)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, to_timestamp($7 / 1000.0), $8, $9)
     ON CONFLICT (task_id, attempt) DO NOTHING`,
    [
      entry.agentId,
      entry.capability,
      entry.success,
      entry.durationMs === undefined ? null : Math.round(entry.durationMs),
      entry.errorType ?? null,
      entry.context === undefined ? null : JSON.stringify(entry.context),
      entry.at,
      entry.taskId,
      entry.attempt,
    ],
  );
  return result.rowCount > 0;
}
