import { type MeshEvent, TaskCompleted, TaskDispatched, TaskFailed } from "@mesh-six/events";
import { buildCostReport, parseReportRequest, storeCostReport } from "@mesh-six/shared/cost";
import { NonRetryableError } from "@mesh-six/shared/errors";
import type { FunctionContext } from "@mesh-six/shared/function/define";
import type { CostTrackerSettings } from "./config.ts";

/**
 * A `cost-reporting` task: the payload is `{period, groupBy, top}` (userId and the like are
 * ignored); the result is the report, also stored. A payload it cannot read fails the task
 * at once as invalid_input, naming the field.
 */
export async function onReportTask(event: MeshEvent, ctx: FunctionContext<CostTrackerSettings>) {
  const parsed = TaskDispatched.parse(event);
  if (!parsed.ok) throw new NonRetryableError(parsed.error);
  const task = parsed.data;
  const started = ctx.clock.now();
  const { period, groupBy, top } = task.payload;
  const checked = parseReportRequest({
    ...(period === undefined ? {} : { period }),
    ...(groupBy === undefined ? {} : { groupBy }),
    ...(top === undefined ? {} : { top }),
  });
  const base = { taskId: task.taskId, agentId: ctx.function, attempt: task.attempt };
  if (!checked.ok) {
    const message = `${checked.problem}; a cost-reporting task takes {"period": "today"|"yesterday"|"week"|"month"|{"from","to"}, "groupBy": ["agent", …], "top": 5}`;
    return [
      ctx.emit(TaskFailed, {
        ...base,
        error: { type: "invalid_input", message, retryable: false },
        durationMs: ctx.clock.now() - started,
      }),
    ];
  }
  const report = await buildCostReport(ctx.db, checked.request, started);
  return ctx.commit(async (tx) => {
    const reportId = await storeCostReport(tx, report, { kind: "on-demand", eventId: event.id });
    return [
      ctx.emit(TaskCompleted, {
        ...base,
        result: { reportId, ...report },
        durationMs: ctx.clock.now() - started,
      }),
    ];
  });
}
