import type { SqlExecutor } from "../ports/db.ts";
import { LeaseLostError } from "./errors.ts";
import type { RunRecord, RunStatus, StepKind, StepRecord, StepStatus, StepUsage } from "./records.ts";
import type { StoredStepError } from "./types.ts";

interface RunRow {
  id: string;
  function_name: string;
  status: RunStatus;
  input: string;
  output: string | null;
  error: (StoredStepError & { step?: string }) | null;
  task_id: string | null;
  attempt: number | null;
  capability: string | null;
  user_id: string | null;
  trace_id: string | null;
  traceparent: string | null;
  steps: number;
  hops: number;
  wake: number | string;
  lease_owner: string | null;
  lease_until: number | string | null;
  cancel_requested_at: number | string | null;
  cancel_requested_by: string | null;
  created_at: number | string;
  updated_at: number | string;
  finished_at: number | string | null;
}

const optionalNumber = (value: number | string | null) => (value === null ? undefined : Number(value));

export function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    functionName: row.function_name,
    status: row.status,
    input: row.input,
    ...(row.output === null ? {} : { output: row.output }),
    ...(row.error ? { error: row.error } : {}),
    ...(row.task_id ? { taskId: row.task_id } : {}),
    ...(row.attempt === null ? {} : { attempt: row.attempt }),
    ...(row.capability ? { capability: row.capability } : {}),
    ...(row.user_id ? { userId: row.user_id } : {}),
    ...(row.trace_id ? { traceId: row.trace_id } : {}),
    ...(row.traceparent ? { traceparent: row.traceparent } : {}),
    steps: row.steps,
    hops: row.hops,
    wake: Number(row.wake),
    ...(row.lease_owner ? { leaseOwner: row.lease_owner } : {}),
    ...(row.lease_until === null ? {} : { leaseUntil: Number(row.lease_until) }),
    ...(row.cancel_requested_at === null ? {} : { cancelRequestedAt: Number(row.cancel_requested_at) }),
    ...(row.cancel_requested_by ? { cancelRequestedBy: row.cancel_requested_by } : {}),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    ...(optionalNumber(row.finished_at) === undefined ? {} : { finishedAt: Number(row.finished_at) }),
  };
}

interface StepRow {
  position: number;
  name: string;
  kind: StepKind;
  status: StepStatus;
  attempts: number;
  result: string | null;
  error: StoredStepError | null;
  usage: StepUsage | null;
  wait_type: string | null;
  wait_key: string | null;
  wait_match: Record<string, unknown> | null;
  deadline: number | string | null;
  started_at: number | string | null;
  ended_at: number | string | null;
}

function toStepRecord(row: StepRow): StepRecord {
  return {
    position: row.position,
    name: row.name,
    kind: row.kind,
    status: row.status,
    attempts: row.attempts,
    ...(row.result === null ? {} : { result: row.result }),
    ...(row.error ? { error: row.error } : {}),
    ...(row.usage ? { usage: row.usage } : {}),
    ...(row.wait_type ? { waitType: row.wait_type } : {}),
    ...(row.wait_key ? { waitKey: row.wait_key } : {}),
    ...(row.wait_match ? { waitMatch: row.wait_match } : {}),
    ...(row.deadline === null ? {} : { deadline: Number(row.deadline) }),
    ...(row.started_at === null ? {} : { startedAt: Number(row.started_at) }),
    ...(row.ended_at === null ? {} : { endedAt: Number(row.ended_at) }),
  };
}

export interface NewRun {
  readonly id: string;
  readonly functionName: string;
  readonly input: string;
  readonly taskId?: string;
  readonly attempt?: number;
  readonly capability?: string;
  readonly userId?: string;
  readonly traceId?: string;
  readonly traceparent?: string;
  readonly at: number;
}

/** Records a new run; false when one with that id exists (a redelivered start). */
export async function insertRun(db: SqlExecutor, run: NewRun): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO runs (id, function_name, status, input, task_id, attempt, capability, user_id, trace_id,
                       traceparent, created_at, updated_at)
     VALUES ($1, $2, 'running', $3, $4, $5, $6, $7, $8, $9, $10, $10)
     ON CONFLICT (id) DO NOTHING`,
    [
      run.id,
      run.functionName,
      run.input,
      run.taskId ?? null,
      run.attempt ?? null,
      run.capability ?? null,
      run.userId ?? null,
      run.traceId ?? null,
      run.traceparent ?? null,
      run.at,
    ],
  );
  return rowCount > 0;
}

export async function readRun(db: SqlExecutor, id: string): Promise<RunRecord | undefined> {
  const { rows } = await db.query<RunRow>("SELECT * FROM runs WHERE id = $1", [id]);
  return rows[0] ? toRunRecord(rows[0]) : undefined;
}

export type LeaseOutcome =
  | { readonly type: "leased"; readonly run: RunRecord }
  | { readonly type: "busy" }
  | { readonly type: "finished"; readonly run: RunRecord }
  | { readonly type: "unknown" };

/**
 * Takes the run for one hop: only one hop holds a run at a time. `owner` is
 * `<delivery>:<hop>`: a redelivery of the event whose hop holds the run (its process
 * died mid-hop) takes the lease over at once, and the old hop, should it still live,
 * is fenced off by the new owner. When another delivery's hop holds it, the run's wake
 * counter is bumped so the holder looks again before letting go ("busy").
 */
export async function leaseRun(
  db: SqlExecutor,
  id: string,
  owner: string,
  now: number,
  leaseMs: number,
): Promise<LeaseOutcome> {
  const delivery = owner.split(":")[0]!;
  for (let tries = 0; tries < 3; tries += 1) {
    const { rows } = await db.query<RunRow>(
      `UPDATE runs SET lease_owner = $2, lease_until = $3::bigint + $4::bigint, hops = hops + 1, status = 'running',
              updated_at = $3
        WHERE id = $1 AND status IN ('running', 'waiting')
          AND (lease_owner IS NULL OR lease_until <= $3 OR split_part(lease_owner, ':', 1) = $5)
       RETURNING *`,
      [id, owner, now, leaseMs, delivery],
    );
    if (rows[0]) return { type: "leased", run: toRunRecord(rows[0]) };
    const bumped = await db.query<RunRow>(
      `UPDATE runs SET wake = wake + 1
        WHERE id = $1 AND status IN ('running', 'waiting') AND lease_owner IS NOT NULL AND lease_until > $2
       RETURNING id`,
      [id, now],
    );
    if (bumped.rowCount > 0) return { type: "busy" };
    const run = await readRun(db, id);
    if (!run) return { type: "unknown" };
    if (run.status !== "running" && run.status !== "waiting") return { type: "finished", run };
    // the holder let go between the two statements: try again
  }
  return { type: "busy" };
}

export async function renewLease(
  db: SqlExecutor,
  id: string,
  owner: string,
  until: number,
): Promise<boolean> {
  const { rowCount } = await db.query("UPDATE runs SET lease_until = $3 WHERE id = $1 AND lease_owner = $2", [
    id,
    owner,
    until,
  ]);
  return rowCount > 0;
}

/** What a hop learns when it checks it still holds the run. */
export interface LeaseCheck {
  readonly wake: number;
  readonly cancelRequestedAt?: number;
  readonly cancelRequestedBy?: string;
}

/** Inside a transaction: throws LeaseLostError unless `owner` still holds the run; touches updated_at. */
export async function holdLease(
  tx: SqlExecutor,
  id: string,
  owner: string,
  now: number,
): Promise<LeaseCheck> {
  const { rows } = await tx.query<{
    wake: number | string;
    cancel_requested_at: number | string | null;
    cancel_requested_by: string | null;
  }>(
    `UPDATE runs SET updated_at = $3 WHERE id = $1 AND lease_owner = $2
     RETURNING wake, cancel_requested_at, cancel_requested_by`,
    [id, owner, now],
  );
  const row = rows[0];
  if (!row) throw new LeaseLostError(id);
  return {
    wake: Number(row.wake),
    ...(row.cancel_requested_at === null ? {} : { cancelRequestedAt: Number(row.cancel_requested_at) }),
    ...(row.cancel_requested_by ? { cancelRequestedBy: row.cancel_requested_by } : {}),
  };
}

export async function loadSteps(db: SqlExecutor, runId: string): Promise<StepRecord[]> {
  const { rows } = await db.query<StepRow>(
    `SELECT position, name, kind, status, attempts, result, error, usage, wait_type, wait_key, wait_match,
            deadline, started_at, ended_at
       FROM run_steps WHERE run_id = $1 ORDER BY position`,
    [runId],
  );
  return rows.map(toStepRecord);
}

/** A step row as a hop writes it. */
export interface StepWrite {
  readonly position: number;
  readonly name: string;
  readonly kind: StepKind;
  readonly status: StepStatus;
  readonly result?: string;
  readonly error?: StoredStepError;
  readonly usage?: StepUsage;
  readonly waitType?: string;
  readonly waitKey?: string;
  readonly waitMatch?: Record<string, unknown>;
  readonly deadline?: number;
  readonly endedAt?: number;
}

/**
 * Marks a step as started by `owner` (a new row, or one more attempt of a row that was
 * running or retrying) and returns its attempt number; undefined when the lease is gone.
 */
export async function startStep(
  db: SqlExecutor,
  runId: string,
  functionName: string,
  owner: string,
  step: { position: number; name: string; kind: StepKind },
  now: number,
): Promise<number | undefined> {
  const { rows } = await db.query<{ attempts: number }>(
    `INSERT INTO run_steps (run_id, position, name, kind, status, attempts, function_name, started_at)
     SELECT $1, $2, $3, $4, 'running', 1, $5, $6
      WHERE EXISTS (SELECT 1 FROM runs WHERE id = $1 AND lease_owner = $7)
     ON CONFLICT (run_id, position) DO UPDATE
        SET status = 'running', attempts = run_steps.attempts + 1, deadline = NULL
      WHERE run_steps.status IN ('running', 'retrying')
     RETURNING attempts`,
    [runId, step.position, step.name, step.kind, functionName, now, owner],
  );
  return rows[0]?.attempts;
}

/** Writes a step's row (insert or update), inside the hop's transaction. */
export async function writeStep(
  tx: SqlExecutor,
  runId: string,
  functionName: string,
  step: StepWrite,
  now: number,
): Promise<void> {
  await tx.query(
    `INSERT INTO run_steps (run_id, position, name, kind, status, attempts, result, error, usage, function_name,
                            wait_type, wait_key, wait_match, deadline, started_at, ended_at)
     VALUES ($1, $2, $3, $4, $5, 1, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12::jsonb, $13, $14, $15)
     ON CONFLICT (run_id, position) DO UPDATE
        SET status = EXCLUDED.status, result = EXCLUDED.result, error = EXCLUDED.error,
            usage = coalesce(EXCLUDED.usage, run_steps.usage), deadline = EXCLUDED.deadline,
            wait_type = coalesce(EXCLUDED.wait_type, run_steps.wait_type),
            wait_key = coalesce(EXCLUDED.wait_key, run_steps.wait_key),
            wait_match = coalesce(EXCLUDED.wait_match, run_steps.wait_match),
            ended_at = EXCLUDED.ended_at`,
    [
      runId,
      step.position,
      step.name,
      step.kind,
      step.status,
      step.result ?? null,
      step.error ? JSON.stringify(step.error) : null,
      step.usage ? JSON.stringify(step.usage) : null,
      functionName,
      step.waitType ?? null,
      step.waitKey ?? null,
      step.waitMatch ? JSON.stringify(step.waitMatch) : null,
      step.deadline ?? null,
      now,
      step.endedAt ?? null,
    ],
  );
}

/**
 * Writes one step's row as long as `owner` holds the run, in one statement (the lease
 * check and the write commit together); throws LeaseLostError when the lease is gone.
 */
export async function writeHeldStep(
  db: SqlExecutor,
  runId: string,
  functionName: string,
  owner: string,
  step: StepWrite,
  now: number,
): Promise<LeaseCheck> {
  const { rows } = await db.query<{
    wake: number | string;
    cancel_requested_at: number | string | null;
    cancel_requested_by: string | null;
  }>(
    `WITH lease AS (
       UPDATE runs SET updated_at = $14 WHERE id = $1 AND lease_owner = $15
       RETURNING wake, cancel_requested_at, cancel_requested_by
     ), written AS (
       INSERT INTO run_steps (run_id, position, name, kind, status, attempts, result, error, usage, function_name,
                              wait_type, wait_key, wait_match, deadline, started_at, ended_at)
       SELECT $1, $2, $3, $4, $5, 1, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12::jsonb, $13, $14, $16
        WHERE EXISTS (SELECT 1 FROM lease)
       ON CONFLICT (run_id, position) DO UPDATE
          SET status = EXCLUDED.status, result = EXCLUDED.result, error = EXCLUDED.error,
              usage = coalesce(EXCLUDED.usage, run_steps.usage), deadline = EXCLUDED.deadline,
              ended_at = EXCLUDED.ended_at
       RETURNING 1
     )
     SELECT wake, cancel_requested_at, cancel_requested_by FROM lease`,
    [
      runId,
      step.position,
      step.name,
      step.kind,
      step.status,
      step.result ?? null,
      step.error ? JSON.stringify(step.error) : null,
      step.usage ? JSON.stringify(step.usage) : null,
      functionName,
      step.waitType ?? null,
      step.waitKey ?? null,
      step.waitMatch ? JSON.stringify(step.waitMatch) : null,
      step.deadline ?? null,
      now,
      owner,
      step.endedAt ?? null,
    ],
  );
  const row = rows[0];
  if (!row) throw new LeaseLostError(runId);
  return {
    wake: Number(row.wake),
    ...(row.cancel_requested_at === null ? {} : { cancelRequestedAt: Number(row.cancel_requested_at) }),
    ...(row.cancel_requested_by ? { cancelRequestedBy: row.cancel_requested_by } : {}),
  };
}

/**
 * Lets go of the run with `status` and the step count. With `wake`, only when nobody woke
 * the run since (false otherwise: look again). Inside or outside a transaction.
 */
export async function releaseRun(
  db: SqlExecutor,
  id: string,
  owner: string,
  status: "running" | "waiting",
  now: number,
  wake?: number,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE runs SET status = $3, lease_owner = NULL, lease_until = NULL, updated_at = $4,
            steps = (SELECT count(*) FROM run_steps WHERE run_id = $1)
      WHERE id = $1 AND lease_owner = $2 AND ($5::bigint IS NULL OR wake = $5::bigint)`,
    [id, owner, status, now, wake ?? null],
  );
  return rowCount > 0;
}

/** Ends the run for good, inside the hop's transaction. */
export async function finishRun(
  tx: SqlExecutor,
  id: string,
  owner: string,
  outcome:
    | { status: "succeeded"; output?: string }
    | { status: "failed" | "cancelled"; error: StoredStepError & { step?: string } },
  now: number,
): Promise<void> {
  const { rowCount } = await tx.query(
    `UPDATE runs SET status = $3, output = $4, error = $5::jsonb, lease_owner = NULL, lease_until = NULL,
            updated_at = $6, finished_at = $6, steps = (SELECT count(*) FROM run_steps WHERE run_id = $1)
      WHERE id = $1 AND lease_owner = $2`,
    [
      id,
      owner,
      outcome.status,
      outcome.status === "succeeded" ? (outcome.output ?? null) : null,
      outcome.status === "succeeded" ? null : JSON.stringify(outcome.error),
      now,
    ],
  );
  if (rowCount === 0) throw new LeaseLostError(id);
  if (outcome.status === "cancelled") {
    await tx.query(
      `UPDATE run_steps SET status = 'cancelled', ended_at = $2
        WHERE run_id = $1 AND status IN ('running', 'retrying', 'waiting')`,
      [id, now],
    );
  }
}
