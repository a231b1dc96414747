import type { TaskError } from "@mesh-six/events";
import type { SqlExecutor } from "../ports/db.ts";
import type { RouteReason } from "./route.ts";

/**
 * `requested`: accepted by the gateway, not routed yet; `dispatched`: an attempt is
 * under way (or about to be); `succeeded` / `failed`: finished.
 */
export type TaskStatus = "requested" | "dispatched" | "succeeded" | "failed";

/** One attempt of a task: which agent had it, until when, and how it ended. */
export interface TaskAttemptRecord {
  readonly agentId: string;
  readonly attempt: number;
  readonly reason: Exclude<RouteReason, "none">;
  readonly dispatchedAt: string;
  readonly deadline: string;
  readonly success?: boolean;
  readonly error?: TaskError;
  readonly durationMs?: number;
  readonly finishedAt?: string;
}

/** A row of `tasks`. */
export interface TaskRecord {
  readonly id: string;
  readonly capability: string;
  readonly payload: Record<string, unknown>;
  readonly priority: number;
  readonly timeoutSeconds: number;
  readonly requestedBy?: string;
  /** The one agent that may take it (routed among that agent alone); any when undefined. */
  readonly agent?: string;
  /** The function told when the task finishes (task.finished with meshreplyto): a run's child task. */
  readonly replyTo?: string;
  readonly status: TaskStatus;
  readonly result?: unknown;
  readonly error?: TaskError;
  /** Number of the current (or last) attempt; 0 before the first dispatch. */
  readonly attempt: number;
  readonly attempts: readonly TaskAttemptRecord[];
  readonly agentId?: string;
  readonly deadline?: string;
  readonly traceId?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
}

export interface NewTask {
  readonly id: string;
  readonly capability: string;
  readonly payload: Record<string, unknown>;
  readonly priority: number;
  readonly timeoutSeconds: number;
  readonly requestedBy?: string;
  readonly agent?: string;
  readonly replyTo?: string;
  readonly traceId?: string;
  readonly at: number;
}

const columns = `id, capability, payload, priority, timeout_seconds, requested_by, status, result, error,
  attempt, attempts, agent_id, deadline, trace_id, created_at, updated_at, finished_at, reply_to, agent`;

interface TaskRow {
  id: string;
  capability: string;
  payload: Record<string, unknown>;
  priority: number;
  timeout_seconds: number;
  requested_by: string | null;
  status: TaskStatus;
  result: unknown;
  error: TaskError | null;
  attempt: number;
  attempts: TaskAttemptRecord[];
  agent_id: string | null;
  deadline: Date | string | null;
  trace_id: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  finished_at: Date | string | null;
  reply_to: string | null;
  agent: string | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();

function toRecord(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    capability: row.capability,
    payload: row.payload,
    priority: row.priority,
    timeoutSeconds: row.timeout_seconds,
    ...(row.requested_by ? { requestedBy: row.requested_by } : {}),
    ...(row.reply_to ? { replyTo: row.reply_to } : {}),
    ...(row.agent ? { agent: row.agent } : {}),
    status: row.status,
    ...(row.result === null || row.result === undefined ? {} : { result: row.result }),
    ...(row.error ? { error: row.error } : {}),
    attempt: row.attempt,
    attempts: row.attempts,
    ...(row.agent_id ? { agentId: row.agent_id } : {}),
    ...(row.deadline ? { deadline: iso(row.deadline) } : {}),
    ...(row.trace_id ? { traceId: row.trace_id } : {}),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    ...(row.finished_at ? { finishedAt: iso(row.finished_at) } : {}),
  };
}

/**
 * Records a task the gateway accepted, as `requested`, in the transaction that stores its
 * task.requested in the outbox, so it can be read at once. Returns false when a task with
 * that id exists.
 */
export async function recordRequestedTask(db: SqlExecutor, task: NewTask): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO tasks (id, capability, payload, priority, timeout_seconds, requested_by, status, trace_id,
                        created_at, updated_at, agent)
     VALUES ($1, $2, $3::jsonb, $4, $5, $6, 'requested', $7, to_timestamp($8 / 1000.0), to_timestamp($8 / 1000.0), $9)
     ON CONFLICT (id) DO NOTHING`,
    [...values(task), task.agent ?? null],
  );
  return result.rowCount > 0;
}

/**
 * The orchestrator's hold on a task: inserts it, or takes over the `requested` row the
 * gateway recorded (its fields as the event states them, its creation time kept).
 * Returns undefined when the task exists already past `requested`: a redelivered or
 * repeated request, which changes nothing.
 */
export async function createTask(db: SqlExecutor, task: NewTask): Promise<TaskRecord | undefined> {
  const { rows } = await db.query<TaskRow>(
    `INSERT INTO tasks (id, capability, payload, priority, timeout_seconds, requested_by, status, trace_id,
                        created_at, updated_at, reply_to, agent)
     VALUES ($1, $2, $3::jsonb, $4, $5, $6, 'dispatched', $7, to_timestamp($8 / 1000.0), to_timestamp($8 / 1000.0), $9, $10)
     ON CONFLICT (id) DO UPDATE
        SET capability = EXCLUDED.capability, payload = EXCLUDED.payload, priority = EXCLUDED.priority,
            timeout_seconds = EXCLUDED.timeout_seconds,
            requested_by = coalesce(EXCLUDED.requested_by, tasks.requested_by),
            status = 'dispatched', trace_id = coalesce(EXCLUDED.trace_id, tasks.trace_id),
            reply_to = coalesce(EXCLUDED.reply_to, tasks.reply_to),
            agent = coalesce(EXCLUDED.agent, tasks.agent),
            updated_at = EXCLUDED.updated_at
      WHERE tasks.status = 'requested'
     RETURNING ${columns}`,
    [...values(task), task.replyTo ?? null, task.agent ?? null],
  );
  return rows[0] ? toRecord(rows[0]) : undefined;
}

function values(task: NewTask): unknown[] {
  return [
    task.id,
    task.capability,
    JSON.stringify(task.payload),
    task.priority,
    task.timeoutSeconds,
    task.requestedBy ?? null,
    task.traceId ?? null,
    task.at,
  ];
}

/** Reads a task; `lock` takes a row lock until the transaction ends. */
export async function readTask(db: SqlExecutor, id: string, lock = false): Promise<TaskRecord | undefined> {
  const { rows } = await db.query<TaskRow>(
    `SELECT ${columns} FROM tasks WHERE id = $1${lock ? " FOR UPDATE" : ""}`,
    [id],
  );
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/**
 * Dispatched tasks whose current attempt is past its deadline at `now`, oldest first. An
 * attempt carried out by a durable run is alive while the run moves: it is overdue only
 * when its run has not moved for the task's timeout, and never while the run waits (a
 * person, a child task, a sleep: each wait has its own deadline).
 */
export async function overdueTasks(db: SqlExecutor, now: number, limit: number): Promise<TaskRecord[]> {
  const { rows } = await db.query<TaskRow>(
    `SELECT ${columns} FROM tasks
      WHERE status = 'dispatched' AND deadline <= to_timestamp($1 / 1000.0)
        AND NOT EXISTS (
          SELECT 1 FROM runs
           WHERE runs.task_id = tasks.id AND runs.attempt = tasks.attempt
             AND (runs.status = 'waiting' OR runs.updated_at > $1::bigint - tasks.timeout_seconds * 1000::bigint))
      ORDER BY deadline LIMIT $2`,
    [now, limit],
  );
  return rows.map(toRecord);
}

/** Records a new attempt: the task goes to `agentId` until `deadline`. */
export async function startAttempt(
  db: SqlExecutor,
  task: TaskRecord,
  attempt: TaskAttemptRecord,
): Promise<void> {
  await db.query(
    `UPDATE tasks SET status = 'dispatched', attempt = $2, attempts = $3::jsonb, agent_id = $4,
            deadline = $5::timestamptz, updated_at = $6::timestamptz
      WHERE id = $1`,
    [
      task.id,
      attempt.attempt,
      JSON.stringify([...task.attempts, attempt]),
      attempt.agentId,
      attempt.deadline,
      attempt.dispatchedAt,
    ],
  );
}

/** Writes how the current attempt ended into the attempt list; returns the new list. */
export async function endAttempt(
  db: SqlExecutor,
  task: TaskRecord,
  outcome: Pick<TaskAttemptRecord, "success" | "error" | "durationMs" | "finishedAt">,
): Promise<TaskAttemptRecord[]> {
  const attempts = task.attempts.map((entry) =>
    entry.attempt === task.attempt ? { ...entry, ...stripUndefined(outcome) } : entry,
  );
  await db.query(
    "UPDATE tasks SET attempts = $2::jsonb, deadline = NULL, updated_at = $3::timestamptz WHERE id = $1",
    [task.id, JSON.stringify(attempts), outcome.finishedAt ?? new Date().toISOString()],
  );
  return attempts;
}

/** Closes a task: succeeded with a result or failed with an error. */
export async function finishTask(
  db: SqlExecutor,
  id: string,
  outcome:
    | { status: "succeeded"; result: unknown; at: string }
    | { status: "failed"; error: TaskError; at: string },
): Promise<void> {
  await db.query(
    `UPDATE tasks SET status = $2, result = $3::jsonb, error = $4::jsonb, deadline = NULL,
            updated_at = $5::timestamptz, finished_at = $5::timestamptz
      WHERE id = $1`,
    [
      id,
      outcome.status,
      outcome.status === "succeeded" ? JSON.stringify(outcome.result ?? null) : null,
      outcome.status === "failed" ? JSON.stringify(outcome.error) : null,
      outcome.at,
    ],
  );
}

/** The newest tasks, for listings; only those `requestedBy` asked for when given. */
export async function recentTasks(
  db: SqlExecutor,
  limit = 20,
  options: { readonly requestedBy?: string } = {},
): Promise<TaskRecord[]> {
  const { rows } = await db.query<TaskRow>(
    `SELECT ${columns} FROM tasks WHERE $2::text IS NULL OR requested_by = $2 ORDER BY created_at DESC LIMIT $1`,
    [limit, options.requestedBy ?? null],
  );
  return rows.map(toRecord);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
