import type { MeshEvent, TaskError } from "@mesh-six/events";
import type { FunctionContext } from "@mesh-six/shared/function/define";
import type { SqlExecutor } from "@mesh-six/shared/ports/db";
import type { DependencyHealth } from "@mesh-six/shared/registry/health";
import { recordResult } from "@mesh-six/shared/registry/history";
import { endAttempt, readTask } from "@mesh-six/shared/registry/tasks";
import { dispatchNext } from "./dispatch.ts";
import { finish } from "./finish.ts";

/** How one attempt ended: reported by the agent, or a timeout found by the sweep. */
export type AttemptResult = {
  readonly taskId: string;
  readonly attempt: number;
  readonly agentId: string;
  readonly durationMs?: number;
} & (
  | { readonly success: true; readonly result: unknown }
  | { readonly success: false; readonly error: TaskError }
);

/**
 * Records an attempt's result in `agent_task_history` (once: a redelivered or late
 * result for an attempt that already has one changes nothing), then finishes the task
 * on success, or dispatches it to the next agent on failure.
 */
export async function applyResult(
  tx: SqlExecutor,
  ctx: FunctionContext,
  result: AttemptResult,
  health: ReadonlyMap<string, DependencyHealth>,
): Promise<MeshEvent[]> {
  const fields = { taskId: result.taskId, attempt: result.attempt, agentId: result.agentId };
  const task = await readTask(tx, result.taskId, true);
  if (!task) {
    ctx.logger.warn("result for a task the orchestrator does not know; ignored", fields);
    return [];
  }
  const entry = task.attempts.find((candidate) => candidate.attempt === result.attempt);
  if (!entry) {
    ctx.logger.warn("result for an attempt that was never dispatched; ignored", fields);
    return [];
  }
  if (entry.agentId !== result.agentId) {
    ctx.logger.warn(
      "result names another agent than the one dispatched to; recorded for the dispatched one",
      {
        ...fields,
        dispatchedTo: entry.agentId,
      },
    );
  }
  const now = ctx.clock.now();
  const recorded = await recordResult(tx, {
    taskId: task.id,
    attempt: result.attempt,
    agentId: entry.agentId,
    capability: task.capability,
    success: result.success,
    ...(result.durationMs === undefined ? {} : { durationMs: result.durationMs }),
    ...(result.success
      ? {}
      : {
          errorType: result.error.type,
          context: { message: result.error.message, retryable: result.error.retryable },
        }),
    at: now,
  });
  if (!recorded || task.status !== "dispatched" || task.attempt !== result.attempt) {
    ctx.logger.info("attempt already has a result; this one changes nothing", fields);
    return [];
  }
  const attempts = await endAttempt(tx, task, {
    success: result.success,
    ...(result.success ? {} : { error: result.error }),
    ...(result.durationMs === undefined ? {} : { durationMs: result.durationMs }),
    finishedAt: new Date(now).toISOString(),
  });
  if (result.success) return finish(tx, ctx, task, attempts, { status: "succeeded", result: result.result });
  if (result.error.type === "invalid_input" && !result.error.retryable) {
    return finish(tx, ctx, task, attempts, {
      status: "failed",
      error: { ...result.error, message: `${entry.agentId} rejected the input: ${result.error.message}` },
    });
  }
  if (result.error.type === "cancelled") {
    return finish(tx, ctx, task, attempts, { status: "failed", error: result.error });
  }
  ctx.logger.info("attempt failed; routing the task again without the agents that failed it", {
    ...fields,
    error: result.error.type,
  });
  return dispatchNext(tx, ctx, { ...task, attempts }, health);
}
