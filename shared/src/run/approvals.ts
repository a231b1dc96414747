import type { ApprovalContext, ApprovalDecision } from "@mesh-six/events";
import type { SqlExecutor } from "../ports/db.ts";
import type { ApprovalOutcome, InputOutcome } from "./types.ts";

export type ApprovalKind = "approval" | "input";
export type ApprovalStatus = "pending" | "approved" | "rejected" | "answered" | "expired" | "cancelled";

/** A row of `approvals`: what was asked, what the person was shown, and the one decision. */
export interface ApprovalRecord {
  readonly id: string;
  readonly kind: ApprovalKind;
  readonly status: ApprovalStatus;
  readonly runId: string;
  readonly step: string;
  readonly functionName: string;
  readonly taskId?: string;
  readonly userId?: string;
  readonly context: ApprovalContext;
  readonly deadline?: number;
  readonly defaultDecision?: ApprovalDecision;
  readonly decision?: ApprovalDecision;
  readonly answer?: string;
  readonly reason?: string;
  readonly decidedBy?: string;
  readonly decidedVia?: "api" | "event" | "deadline" | "cancel";
  readonly decisionEvent?: string;
  readonly decidedAt?: number;
  readonly createdAt: number;
}

interface ApprovalRow {
  id: string;
  kind: ApprovalKind;
  status: ApprovalStatus;
  run_id: string;
  step: string;
  function_name: string;
  task_id: string | null;
  user_id: string | null;
  context: ApprovalContext;
  deadline: number | string | null;
  default_decision: ApprovalDecision | null;
  decision: ApprovalDecision | null;
  answer: string | null;
  reason: string | null;
  decided_by: string | null;
  decided_via: ApprovalRecord["decidedVia"] | null;
  decision_event: string | null;
  decided_at: number | string | null;
  created_at: number | string;
}

function toRecord(row: ApprovalRow): ApprovalRecord {
  const optional = <K extends string, V>(key: K, value: V | null) =>
    (value === null ? {} : { [key]: value }) as Partial<Record<K, V>>;
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    runId: row.run_id,
    step: row.step,
    functionName: row.function_name,
    ...optional("taskId", row.task_id),
    ...optional("userId", row.user_id),
    context: row.context,
    ...optional("deadline", row.deadline === null ? null : Number(row.deadline)),
    ...optional("defaultDecision", row.default_decision),
    ...optional("decision", row.decision),
    ...optional("answer", row.answer),
    ...optional("reason", row.reason),
    ...optional("decidedBy", row.decided_by),
    ...optional("decidedVia", row.decided_via),
    ...optional("decisionEvent", row.decision_event),
    ...optional("decidedAt", row.decided_at === null ? null : Number(row.decided_at)),
    createdAt: Number(row.created_at),
  };
}

export interface NewApproval {
  readonly id: string;
  readonly kind: ApprovalKind;
  readonly runId: string;
  readonly step: string;
  readonly functionName: string;
  readonly taskId?: string;
  readonly userId?: string;
  readonly context: ApprovalContext;
  readonly deadline: number;
  readonly defaultDecision?: ApprovalDecision;
  readonly at: number;
}

export async function createApproval(tx: SqlExecutor, approval: NewApproval): Promise<void> {
  await tx.query(
    `INSERT INTO approvals (id, kind, status, run_id, step, function_name, task_id, user_id, context, deadline,
                            default_decision, created_at)
     VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11)
     ON CONFLICT (id) DO NOTHING`,
    [
      approval.id,
      approval.kind,
      approval.runId,
      approval.step,
      approval.functionName,
      approval.taskId ?? null,
      approval.userId ?? null,
      JSON.stringify(approval.context),
      approval.deadline,
      approval.defaultDecision ?? null,
      approval.at,
    ],
  );
}

export async function readApproval(
  db: SqlExecutor,
  id: string,
  lock = false,
): Promise<ApprovalRecord | undefined> {
  const { rows } = await db.query<ApprovalRow>(
    `SELECT * FROM approvals WHERE id = $1${lock ? " FOR UPDATE" : ""}`,
    [id],
  );
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export interface ApprovalQuery {
  readonly status?: ApprovalStatus;
  readonly runId?: string;
  /** Only this user's (a user-bound API key). */
  readonly userId?: string;
  readonly limit?: number;
}

export async function listApprovals(db: SqlExecutor, query: ApprovalQuery = {}): Promise<ApprovalRecord[]> {
  const { rows } = await db.query<ApprovalRow>(
    `SELECT * FROM approvals
      WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR run_id = $2)
        AND ($3::text IS NULL OR user_id = $3)
      ORDER BY created_at DESC, id LIMIT $4`,
    [query.status ?? null, query.runId ?? null, query.userId ?? null, query.limit ?? 100],
  );
  return rows.map(toRecord);
}

/** A decision as a person makes it. */
export interface Decision {
  readonly decision?: ApprovalDecision;
  readonly answer?: string;
  readonly reason?: string;
  readonly decidedBy: string;
  readonly decidedVia: "api" | "event";
  /** The id of the decision event that carries (or carried) it. */
  readonly eventId: string;
  readonly at: number;
}

export type DecideOutcome =
  | { readonly type: "decided"; readonly approval: ApprovalRecord }
  | { readonly type: "already"; readonly approval: ApprovalRecord }
  | { readonly type: "unknown" }
  | { readonly type: "invalid"; readonly message: string; readonly approval: ApprovalRecord };

/** What a decision must carry for an approval of this kind; a message saying what is missing, or undefined. */
export function decisionProblem(
  kind: ApprovalKind,
  decision: Pick<Decision, "decision" | "answer">,
): string | undefined {
  if (kind === "approval" && decision.decision === undefined) {
    return "this approval needs a decision: approved or rejected";
  }
  if (kind === "input" && (decision.answer === undefined || decision.answer.trim() === "")) {
    return "this request asks a question: give the answer (a non-empty text)";
  }
  return undefined;
}

/**
 * Records the one decision of a pending approval (first one wins): "already" when it was
 * decided before, "invalid" when the decision does not fit its kind. Lock-free: the
 * update's WHERE status = 'pending' is the arbiter.
 */
export async function decideApproval(
  db: SqlExecutor,
  id: string,
  decision: Decision,
): Promise<DecideOutcome> {
  const current = await readApproval(db, id);
  if (!current) return { type: "unknown" };
  if (current.status !== "pending") return { type: "already", approval: current };
  const problem = decisionProblem(current.kind, decision);
  if (problem) return { type: "invalid", message: problem, approval: current };
  const status: ApprovalStatus =
    current.kind === "input" ? "answered" : (decision.decision as ApprovalDecision);
  const { rows } = await db.query<ApprovalRow>(
    `UPDATE approvals SET status = $2, decision = $3, answer = $4, reason = $5, decided_by = $6, decided_via = $7,
            decision_event = $8, decided_at = $9
      WHERE id = $1 AND status = 'pending'
     RETURNING *`,
    [
      id,
      status,
      current.kind === "approval" ? (decision.decision ?? null) : null,
      current.kind === "input" ? (decision.answer ?? null) : null,
      decision.reason ?? null,
      decision.decidedBy,
      decision.decidedVia,
      decision.eventId,
      decision.at,
    ],
  );
  if (rows[0]) return { type: "decided", approval: toRecord(rows[0]) };
  const after = await readApproval(db, id);
  return after ? { type: "already", approval: after } : { type: "unknown" };
}

/** At the deadline: the default decision (approvals) or no answer (input). */
export async function expireApproval(
  db: SqlExecutor,
  id: string,
  at: number,
): Promise<ApprovalRecord | undefined> {
  const { rows } = await db.query<ApprovalRow>(
    `UPDATE approvals SET status = 'expired', decision = default_decision, decided_by = 'deadline',
            decided_via = 'deadline', decided_at = $2
      WHERE id = $1 AND status = 'pending'
     RETURNING *`,
    [id, at],
  );
  return rows[0] ? toRecord(rows[0]) : readApproval(db, id);
}

export async function cancelApprovals(tx: SqlExecutor, runId: string, by: string, at: number): Promise<void> {
  await tx.query(
    `UPDATE approvals SET status = 'cancelled', decided_by = $2, decided_via = 'cancel', decided_at = $3
      WHERE run_id = $1 AND status = 'pending'`,
    [runId, by, at],
  );
}

/** What `step.approval` / `step.input` resume with, from a decided approval. */
export function outcomeOf(approval: ApprovalRecord): ApprovalOutcome | InputOutcome {
  const decidedAt = new Date(approval.decidedAt ?? approval.createdAt).toISOString();
  const decidedBy = approval.decidedBy ?? "unknown";
  const timedOut = approval.decidedVia === "deadline";
  if (approval.kind === "input") {
    return { approvalId: approval.id, answer: approval.answer ?? null, decidedBy, decidedAt, timedOut };
  }
  const decision = approval.decision ?? approval.defaultDecision ?? "rejected";
  return {
    approvalId: approval.id,
    decision,
    approved: decision === "approved",
    ...(approval.reason ? { reason: approval.reason } : {}),
    decidedBy,
    decidedVia:
      approval.decidedVia === "api" || approval.decidedVia === "event" ? approval.decidedVia : "deadline",
    decidedAt,
    timedOut,
  };
}
