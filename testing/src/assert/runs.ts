import type { SqlExecutor } from "@mesh-six/shared/ports/db";
import { listRuns, runDetail } from "@mesh-six/shared/run/read";
import type { StepKind, StepStatus } from "@mesh-six/shared/run/records";
import { loadSteps } from "@mesh-six/shared/run/store";

/** A run by its id, or the latest run of a task (one per attempt). */
export type RunQuery = { readonly runId: string } | { readonly taskId: string };

async function runIdOf(db: SqlExecutor, query: RunQuery): Promise<string> {
  if ("runId" in query) return query.runId;
  const [latest] = await listRuns(db, { taskId: query.taskId, limit: 1 });
  if (!latest)
    throw new Error(`task ${query.taskId} has no run: was it dispatched to a function with a run?`);
  return latest.id;
}

/** A run as `GET /runs/:id` shows it: status, input, output or error, every step, waits, approvals. */
export async function runOf(db: SqlExecutor, query: RunQuery) {
  const runId = await runIdOf(db, query);
  const detail = await runDetail(db, runId);
  if (!detail) throw new Error(`no run ${runId}`);
  return detail;
}

export interface StepSummary {
  readonly name: string;
  readonly kind: StepKind;
  readonly status: StepStatus;
  readonly attempts: number;
}

/** A run's steps in order, each as name, kind, status and attempts (`runOf` has the rest). */
export async function stepsOf(db: SqlExecutor, query: RunQuery): Promise<StepSummary[]> {
  const steps = await loadSteps(db, await runIdOf(db, query));
  return steps.map(({ name, kind, status, attempts }) => ({ name, kind, status, attempts }));
}
