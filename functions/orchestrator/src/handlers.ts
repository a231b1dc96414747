import { type MeshEvent, RunContinued, TaskCompleted, TaskFailed, TaskRequested } from "@mesh-six/events";
import { NonRetryableError } from "@mesh-six/shared/errors";
import type { FunctionContext } from "@mesh-six/shared/function/define";
import { createTask, overdueTasks, readTask } from "@mesh-six/shared/registry/tasks";
import { dueRuns } from "@mesh-six/shared/run/sweep";
import { dispatchNext } from "./dispatch.ts";
import { healthFor } from "./health.ts";
import { applyResult } from "./results.ts";

/** How many overdue tasks one sweep handles; the next sweep takes the rest. */
export const sweepBatch = 50;

/** `task.requested` → a task row, a scored decision, `task.dispatched` (or a failed task). */
export async function onRequested(event: MeshEvent, ctx: FunctionContext): Promise<readonly MeshEvent[]> {
  const parsed = TaskRequested.parse(event);
  if (!parsed.ok) throw new NonRetryableError(parsed.error);
  const request = parsed.data;
  const taskId = request.taskId ?? event.id;
  const health = await healthFor(ctx, request.capability);
  return ctx.commit(async (tx) => {
    const task = await createTask(tx, {
      id: taskId,
      capability: request.capability,
      payload: request.payload,
      priority: request.priority,
      timeoutSeconds: request.timeout,
      ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
      ...(request.replyTo ? { replyTo: request.replyTo } : {}),
      ...(request.agent ? { agent: request.agent } : {}),
      traceId: ctx.trace.traceId,
      at: ctx.clock.now(),
    });
    if (!task) {
      ctx.logger.info("task exists already; this request changes nothing", { taskId });
      return [];
    }
    return dispatchNext(tx, ctx, task, health);
  });
}

/** `task.completed` / `task.failed` → history, then finish or dispatch again. */
export async function onResult(event: MeshEvent, ctx: FunctionContext): Promise<readonly MeshEvent[]> {
  const completed = TaskCompleted.is(event) ? TaskCompleted.parse(event) : undefined;
  const failed = TaskFailed.is(event) ? TaskFailed.parse(event) : undefined;
  const parsed = completed ?? failed;
  if (!parsed?.ok) throw new NonRetryableError(parsed?.error ?? `unexpected event type ${event.type}`);
  const task = await readTask(ctx.db, parsed.data.taskId);
  const health = task && task.status === "dispatched" ? await healthFor(ctx, task.capability) : new Map();
  return ctx.commit(async (tx) => {
    if (completed?.ok) {
      const data = completed.data;
      return applyResult(tx, ctx, { ...data, success: true, result: data.result }, health);
    }
    if (failed?.ok) {
      const data = failed.data;
      return applyResult(tx, ctx, { ...data, success: false, error: data.error }, health);
    }
    return [];
  });
}

/**
 * A scheduled sweep: every attempt past its deadline fails as a `timeout` and the task
 * moves on; every durable run with something due (a sleep, timeout or retry, a lost
 * wake-up, a cancel, a stalled hop) gets a run.continued. The sweep is the only clock
 * runs have, so a run function sleeps at zero until something of its is due.
 */
export async function onSweep(_event: MeshEvent, ctx: FunctionContext): Promise<readonly MeshEvent[]> {
  const now = ctx.clock.now();
  const runs = await dueRuns(ctx.db, now);
  const overdue = await overdueTasks(ctx.db, now, sweepBatch);
  const capabilities = [...new Set(overdue.map((task) => task.capability))];
  const healthByCapability = new Map(
    await Promise.all(
      capabilities.map(async (capability) => [capability, await healthFor(ctx, capability)] as const),
    ),
  );
  return ctx.commit(async (tx) => {
    const events: MeshEvent[] = [];
    for (const candidate of overdue) {
      const task = await readTask(tx, candidate.id, true);
      if (task?.status !== "dispatched" || !task.agentId || !task.deadline) continue;
      if (Date.parse(task.deadline) > now) continue;
      ctx.logger.warn("attempt timed out", { taskId: task.id, attempt: task.attempt, agentId: task.agentId });
      events.push(
        ...(await applyResult(
          tx,
          ctx,
          {
            taskId: task.id,
            attempt: task.attempt,
            agentId: task.agentId,
            success: false,
            durationMs: now - Date.parse(task.attempts.at(-1)?.dispatchedAt ?? task.deadline),
            error: {
              type: "timeout",
              message: `${task.agentId} sent no result within ${task.timeoutSeconds} s`,
              retryable: true,
            },
          },
          healthByCapability.get(task.capability) ?? new Map(),
        )),
      );
    }
    if (overdue.length > 0)
      ctx.logger.info("timeout sweep done", { overdue: overdue.length, emitted: events.length });
    for (const run of runs) {
      events.push(
        ctx.emit(
          RunContinued,
          { runId: run.runId, reason: run.reason },
          { key: `run:${run.runId}`, subject: run.runId, extensions: { meshfunction: run.functionName } },
        ),
      );
    }
    if (runs.length > 0) ctx.logger.info("runs woken by the sweep", { runs: runs.length });
    return events;
  });
}
