import type { SqlExecutor } from "../ports/db.ts";
import { type ApprovalRecord, listApprovals } from "./approvals.ts";
import type { RunRecord, RunStatus, StepRecord } from "./records.ts";
import { loadSteps, readRun, toRunRecord } from "./store.ts";

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const parsed = (text: string | undefined) => (text === undefined ? undefined : (JSON.parse(text) as unknown));

/** A run as the API shows it. */
export function runSummary(run: RunRecord) {
  return {
    id: run.id,
    function: run.functionName,
    status: run.status,
    ...(run.taskId ? { taskId: run.taskId, attempt: run.attempt } : {}),
    ...(run.capability ? { capability: run.capability } : {}),
    ...(run.userId ? { userId: run.userId } : {}),
    steps: run.steps,
    hops: run.hops,
    ...(run.error ? { error: run.error } : {}),
    ...(run.cancelRequestedAt === undefined
      ? {}
      : { cancelRequestedAt: iso(run.cancelRequestedAt), cancelRequestedBy: run.cancelRequestedBy }),
    createdAt: iso(run.createdAt),
    updatedAt: iso(run.updatedAt),
    ...(run.finishedAt === undefined ? {} : { finishedAt: iso(run.finishedAt) }),
    ...(run.traceId ? { traceId: run.traceId } : {}),
  };
}

/** A step as the API shows it: timing, attempts, tokens and outcome. */
export function stepView(step: StepRecord) {
  const durationMs =
    step.startedAt !== undefined && step.endedAt !== undefined ? step.endedAt - step.startedAt : undefined;
  return {
    position: step.position + 1,
    name: step.name,
    kind: step.kind,
    status: step.status,
    attempts: step.attempts,
    ...(step.startedAt === undefined ? {} : { startedAt: iso(step.startedAt) }),
    ...(step.endedAt === undefined ? {} : { endedAt: iso(step.endedAt) }),
    ...(durationMs === undefined ? {} : { durationMs }),
    ...(step.usage ? { usage: step.usage } : {}),
    ...(step.result === undefined ? {} : { result: parsed(step.result) }),
    ...(step.error ? { error: step.error } : {}),
    ...(step.status === "waiting" || step.status === "retrying"
      ? {
          waitsFor: {
            ...(step.waitType ? { type: step.waitType } : {}),
            ...(step.waitKey ? { key: step.waitKey } : {}),
            ...(step.waitMatch ? { match: step.waitMatch } : {}),
            ...(step.deadline === undefined ? {} : { until: iso(step.deadline) }),
          },
        }
      : {}),
  };
}

export function approvalView(approval: ApprovalRecord) {
  return {
    id: approval.id,
    kind: approval.kind,
    status: approval.status,
    runId: approval.runId,
    step: approval.step,
    function: approval.functionName,
    ...(approval.taskId ? { taskId: approval.taskId } : {}),
    ...(approval.userId ? { userId: approval.userId } : {}),
    context: approval.context,
    ...(approval.deadline === undefined ? {} : { deadline: iso(approval.deadline) }),
    ...(approval.defaultDecision ? { defaultDecision: approval.defaultDecision } : {}),
    ...(approval.decision ? { decision: approval.decision } : {}),
    ...(approval.answer === undefined ? {} : { answer: approval.answer }),
    ...(approval.reason === undefined ? {} : { reason: approval.reason }),
    ...(approval.decidedBy ? { decidedBy: approval.decidedBy } : {}),
    ...(approval.decidedVia ? { decidedVia: approval.decidedVia } : {}),
    ...(approval.decidedAt === undefined ? {} : { decidedAt: iso(approval.decidedAt) }),
    createdAt: iso(approval.createdAt),
  };
}

/** A run in full: input, every step, what it waits for, its approvals, and its output or error. */
export async function runDetail(db: SqlExecutor, id: string) {
  const run = await readRun(db, id);
  if (!run) return undefined;
  const [steps, approvals] = await Promise.all([loadSteps(db, id), listApprovals(db, { runId: id })]);
  const usage = steps.reduce(
    (sum, step) => ({
      promptTokens: sum.promptTokens + (step.usage?.promptTokens ?? 0),
      completionTokens: sum.completionTokens + (step.usage?.completionTokens ?? 0),
      costUsd: sum.costUsd + (step.usage?.costUsd ?? 0),
    }),
    { promptTokens: 0, completionTokens: 0, costUsd: 0 },
  );
  return {
    ...runSummary(run),
    input: parsed(run.input),
    ...(run.output === undefined ? {} : { output: parsed(run.output) }),
    usage,
    steps: steps.map(stepView),
    waits: steps.filter((step) => step.status === "waiting" || step.status === "retrying").map(stepView),
    approvals: approvals.map(approvalView),
  };
}

export interface RunQuery {
  readonly status?: RunStatus;
  readonly functionName?: string;
  readonly taskId?: string;
  readonly userId?: string;
  readonly limit?: number;
}

export async function listRuns(db: SqlExecutor, query: RunQuery = {}): Promise<RunRecord[]> {
  const { rows } = await db.query<Parameters<typeof toRunRecord>[0]>(
    `SELECT * FROM runs
      WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR function_name = $2)
        AND ($3::text IS NULL OR task_id = $3) AND ($4::text IS NULL OR user_id = $4)
      ORDER BY created_at DESC, id LIMIT $5`,
    [
      query.status ?? null,
      query.functionName ?? null,
      query.taskId ?? null,
      query.userId ?? null,
      query.limit ?? 50,
    ],
  );
  return rows.map(toRunRecord);
}

export type CancelOutcome =
  | { readonly type: "requested"; readonly run: RunRecord }
  | { readonly type: "finished"; readonly run: RunRecord }
  | { readonly type: "unknown" };

/**
 * Asks for a run to be cancelled: recorded now, carried out by the run's next hop (the
 * caller publishes the run.continued that wakes it; the sweep does, should that be lost).
 * Asking twice is fine; a finished run cannot be cancelled.
 */
export async function requestCancel(
  db: SqlExecutor,
  id: string,
  by: string,
  now: number,
): Promise<CancelOutcome> {
  const { rows } = await db.query<Parameters<typeof toRunRecord>[0]>(
    `UPDATE runs SET cancel_requested_at = coalesce(cancel_requested_at, $2),
            cancel_requested_by = coalesce(cancel_requested_by, $3)
      WHERE id = $1 AND status IN ('running', 'waiting')
     RETURNING *`,
    [id, now, by],
  );
  if (rows[0]) return { type: "requested", run: toRunRecord(rows[0]) };
  const run = await readRun(db, id);
  return run ? { type: "finished", run } : { type: "unknown" };
}
