import { RunContinued } from "@mesh-six/events";
import { errorMessage } from "@mesh-six/shared/errors";
import { listRuns, requestCancel } from "@mesh-six/shared/run/read";
import type { GatewayContext } from "../config.ts";
import { type A2ATaskRecord, markCanceled } from "./store.ts";

export type CancelOutcome = { readonly ok: true } | { readonly ok: false; readonly problem: string };

/**
 * Cancels the run that carries out an A2A task's mesh task, as POST /runs/:id/cancel does
 * (recorded now, carried out by the run's next hop, woken with run.continued), and marks
 * the A2A task canceled. A task no run carries out yet, or one done by a plain handler,
 * cannot be stopped: that is TaskNotCancelable.
 */
export async function cancelMeshTask(
  ctx: GatewayContext,
  record: A2ATaskRecord,
  by: string,
): Promise<CancelOutcome> {
  const runs = await listRuns(ctx.db, { taskId: record.meshTaskId, limit: 20 });
  const live = runs.find((run) => run.status === "running" || run.status === "waiting");
  if (!live) {
    return {
      ok: false,
      problem: `task ${record.id} has no run under way to cancel (it is not dispatched yet, or its agent answers in one request); wait for it to finish`,
    };
  }
  const outcome = await requestCancel(ctx.db, live.id, by, ctx.clock.now());
  if (outcome.type !== "requested") {
    return { ok: false, problem: `task ${record.id}'s run finished while the cancel was on its way` };
  }
  await markCanceled(ctx.db, record.id, by, ctx.clock.now());
  const wake = RunContinued.create({
    source: "/mesh-six/gateway/a2a",
    id: `cancel-${live.id}`,
    subject: live.id,
    data: { runId: live.id, reason: "cancel" },
    extensions: { meshfunction: outcome.run.functionName },
  });
  try {
    await ctx.publish(wake);
  } catch (error) {
    ctx.logger.warn("could not publish the cancel's wake-up; the sweep carries it out", {
      runId: live.id,
      error: errorMessage(error),
    });
  }
  return { ok: true };
}
