import { type ApprovalDecided, type MeshEvent, RunContinued } from "@mesh-six/events";
import type { z } from "zod";
import type { FunctionContext } from "../function/types.ts";
import { recordMeshEvent } from "../log/event-log.ts";
import { decideApproval, readApproval } from "./approvals.ts";

/** The run.continued that wakes one run of this function after something it waits for happened. */
function wake(ctx: FunctionContext, runId: string): MeshEvent {
  return ctx.emit(
    RunContinued,
    { runId, reason: "wake" },
    { key: `wake:${runId}`, subject: runId, extensions: { meshfunction: ctx.function } },
  );
}

async function waitingRuns(ctx: FunctionContext, sql: string, params: readonly unknown[]): Promise<string[]> {
  const { rows } = await ctx.db.query<{ run_id: string }>(sql, params);
  return rows.map((row) => row.run_id);
}

/** task.finished of a child task: wakes the runs waiting for it (they read its result from the task). */
export async function wakeForTask(ctx: FunctionContext, taskId: string): Promise<readonly MeshEvent[]> {
  const runs = await waitingRuns(
    ctx,
    `SELECT DISTINCT run_id FROM run_steps
      WHERE function_name = $1 AND wait_type = 'task' AND wait_key = $2 AND status = 'waiting'`,
    [ctx.function, taskId],
  );
  return ctx.commit(async () => runs.map((runId) => wake(ctx, runId)));
}

/**
 * A decision event. The first decision of a pending approval of this function's is
 * recorded (who: the event's source, and `decidedBy` as the sender states it) and wakes
 * the run; the gateway's own event (whose decision it recorded already) wakes it too. A
 * later decision changes nothing and is logged; approvals of other functions are skipped.
 */
export async function onDecision(
  ctx: FunctionContext,
  event: MeshEvent,
  decision: z.output<typeof ApprovalDecided.schema>,
): Promise<readonly MeshEvent[]> {
  const approval = await readApproval(ctx.db, decision.approvalId);
  if (!approval || approval.functionName !== ctx.function) return ctx.commit(async () => []);
  let current = approval;
  if (approval.status === "pending") {
    const decidedBy = decision.decidedBy
      ? `${decision.decidedBy} (event from ${event.source})`
      : `event from ${event.source}`;
    const outcome = await decideApproval(ctx.db, approval.id, {
      ...(decision.decision ? { decision: decision.decision } : {}),
      ...(decision.answer === undefined ? {} : { answer: decision.answer }),
      ...(decision.reason === undefined ? {} : { reason: decision.reason }),
      decidedBy,
      decidedVia: "event",
      eventId: event.id,
      at: ctx.clock.now(),
    });
    if (outcome.type === "invalid") {
      ctx.logger.warn("decision refused", { approvalId: approval.id, reason: outcome.message });
      await note(ctx, event, "approval.refused", { approvalId: approval.id, reason: outcome.message });
      return ctx.commit(async () => []);
    }
    if (outcome.type === "decided") return ctx.commit(async () => [wake(ctx, approval.runId)]);
    if (outcome.type === "unknown") return ctx.commit(async () => []);
    current = outcome.approval;
  }
  if (current.decisionEvent === event.id) return ctx.commit(async () => [wake(ctx, current.runId)]);
  ctx.logger.info("approval decided already; this decision changes nothing", {
    approvalId: current.id,
    status: current.status,
    decidedBy: current.decidedBy,
  });
  await note(ctx, event, "approval.ignored", {
    approvalId: current.id,
    status: current.status,
    decidedBy: current.decidedBy ?? null,
  });
  return ctx.commit(async () => []);
}

/**
 * An event of a type this function's runs wait for: kept a while (a wait registered
 * later still finds it), and the runs whose waits it matches are woken.
 */
export async function onArrival(ctx: FunctionContext, event: MeshEvent): Promise<readonly MeshEvent[]> {
  const data = isJson(event) ? JSON.stringify(event.data ?? null) : null;
  return ctx.commit(async (tx) => {
    await tx.query(
      `INSERT INTO run_arrivals (function_name, event_type, source, event_id, data, event, received_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7)
       ON CONFLICT DO NOTHING`,
      [ctx.function, event.type, event.source, event.id, data, JSON.stringify(event), ctx.clock.now()],
    );
    const { rows } = await tx.query<{ run_id: string }>(
      `SELECT DISTINCT run_id FROM run_steps
        WHERE function_name = $1 AND wait_type = $2 AND status = 'waiting'
          AND coalesce($3::jsonb, 'null'::jsonb) @> coalesce(wait_match, '{}'::jsonb)`,
      [ctx.function, event.type, data],
    );
    return rows.map((row) => wake(ctx, row.run_id));
  });
}

function isJson(event: MeshEvent): boolean {
  const type = event.datacontenttype ?? "application/json";
  return /^application\/([\w.+-]+\+)?json\b/i.test(type) || /^text\/json\b/i.test(type);
}

async function note(ctx: FunctionContext, event: MeshEvent, kind: string, data: Record<string, unknown>) {
  await recordMeshEvent(ctx.db, {
    kind,
    functionName: ctx.function,
    traceId: ctx.trace.traceId,
    eventType: event.type,
    eventId: event.id,
    source: event.source,
    data,
  }).catch(() => {});
}
