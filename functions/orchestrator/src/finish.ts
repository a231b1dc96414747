import { type MeshEvent, type TaskAttempt, type TaskError, TaskFinished } from "@mesh-six/events";
import type { FunctionContext } from "@mesh-six/shared/function/define";
import type { SqlExecutor } from "@mesh-six/shared/ports/db";
import { finishTask, type TaskAttemptRecord, type TaskRecord } from "@mesh-six/shared/registry/tasks";

export type Outcome = { status: "succeeded"; result: unknown } | { status: "failed"; error: TaskError };

/** Closes the task and emits `task.finished` with every attempt. */
export async function finish(
  tx: SqlExecutor,
  ctx: FunctionContext,
  task: TaskRecord,
  attempts: readonly TaskAttemptRecord[],
  outcome: Outcome,
): Promise<MeshEvent[]> {
  const at = new Date(ctx.clock.now()).toISOString();
  await finishTask(tx, task.id, { ...outcome, at });
  const fields = {
    taskId: task.id,
    capability: task.capability,
    status: outcome.status,
    attempts: attempts.length,
  };
  if (outcome.status === "succeeded") ctx.logger.info("task finished", fields);
  else ctx.logger.warn("task finished", { ...fields, error: outcome.error });
  return [
    ctx.emit(
      TaskFinished,
      {
        taskId: task.id,
        capability: task.capability,
        status: outcome.status,
        ...(outcome.status === "succeeded" ? { result: outcome.result } : { error: outcome.error }),
        attempts: attempts.map(toAttempt),
      },
      {
        key: `finish:${task.id}`,
        subject: task.id,
        ...(task.replyTo ? { extensions: { meshreplyto: task.replyTo } } : {}),
      },
    ),
  ];
}

function toAttempt(entry: TaskAttemptRecord): TaskAttempt {
  return {
    agentId: entry.agentId,
    attempt: entry.attempt,
    success: entry.success ?? false,
    ...(entry.error ? { error: entry.error } : {}),
    ...(entry.durationMs === undefined ? {} : { durationMs: entry.durationMs }),
  };
}

/**
 * The error of a task that failed every attempt and has nobody left to try: the cause, not the
 * routing outcome. Its type is the last attempt's; its message says how many attempts failed,
 * `notes` (the same-agent retries made, agents that were unavailable), and the last error in full.
 * Undefined when the last attempt left no error to report.
 */
export function attemptsFailedError(
  attempts: readonly TaskAttemptRecord[],
  notes: readonly string[] = [],
): TaskError | undefined {
  const last = attempts.at(-1);
  if (!last?.error) return undefined;
  const noted = notes.length > 0 ? ` (${notes.join("; ")})` : "";
  const summary =
    attempts.length === 1
      ? `the only attempt failed${noted}, on ${last.agentId}`
      : `all ${attempts.length} attempts failed${noted}; the last, on ${last.agentId}`;
  return {
    type: last.error.type,
    message: `${summary}: ${last.error.type}: ${last.error.message}`,
    retryable: last.error.retryable,
  };
}
