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
      { key: `finish:${task.id}`, subject: task.id },
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
