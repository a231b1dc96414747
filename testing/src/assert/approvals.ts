import type { SqlExecutor } from "@mesh-six/shared/ports/db";
import { type ApprovalStatus, listApprovals } from "@mesh-six/shared/run/approvals";
import { approvalView } from "@mesh-six/shared/run/read";

export interface ApprovalQuery {
  /** `pending` when omitted. */
  readonly status?: ApprovalStatus | "any";
  readonly taskId?: string;
  readonly runId?: string;
}

/** Approvals and questions as `GET /approvals` shows them, oldest first: pending ones unless asked otherwise. */
export async function approvalsOf(db: SqlExecutor, query: ApprovalQuery = {}) {
  const status = query.status ?? "pending";
  const approvals = await listApprovals(db, {
    ...(status === "any" ? {} : { status }),
    ...(query.runId ? { runId: query.runId } : {}),
    limit: 1000,
  });
  return approvals
    .filter((approval) => query.taskId === undefined || approval.taskId === query.taskId)
    .reverse()
    .map(approvalView);
}
