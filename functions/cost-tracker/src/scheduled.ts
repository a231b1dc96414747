import { CostAlerted, CostReported, type MeshEvent } from "@mesh-six/events";
import { buildCostReport, claimAlert, findCostAlerts, storeCostReport } from "@mesh-six/shared/cost";
import type { FunctionContext } from "@mesh-six/shared/function/define";
import type { CostTrackerSettings } from "./config.ts";

/** The daily report: yesterday's spend (UTC), stored and sent as dev.meshsix.cost.reported. */
export async function onReportPing(event: MeshEvent, ctx: FunctionContext<CostTrackerSettings>) {
  const at = event.time ? Date.parse(event.time) : ctx.clock.now();
  const report = await buildCostReport(
    ctx.db,
    {
      period: "yesterday",
      groupBy: ["agent", "capability", "model", "user", "day"],
      top: ctx.config.COST_REPORT_TOP,
    },
    at,
  );
  return ctx.commit(async (tx) => {
    const reportId = await storeCostReport(tx, report, { kind: "scheduled", eventId: event.id });
    ctx.logger.info("cost report stored", { reportId, from: report.from, costUsd: report.summary.costUsd });
    const spender = (group: { key: string | null; costUsd: number; tokens: number; calls: number }) => ({
      key: group.key,
      costUsd: group.costUsd,
      tokens: group.tokens,
      calls: group.calls,
    });
    return [
      ctx.emit(
        CostReported,
        {
          reportId,
          from: report.from,
          to: report.to,
          summary: report.summary,
          unpricedModels: [...report.unpricedModels],
          topSpenders: {
            agents: report.topSpenders.agents.map(spender),
            users: report.topSpenders.users.map(spender),
          },
          trailingWeek: report.trailingWeek,
        },
        { subject: `cost-report-${reportId}` },
      ),
    ];
  });
}

/** Spikes and budget warnings, each sent once per window (cost_alerts remembers which went out). */
export async function onAlertPing(event: MeshEvent, ctx: FunctionContext<CostTrackerSettings>) {
  const at = event.time ? Date.parse(event.time) : ctx.clock.now();
  const alerts = await findCostAlerts(ctx.db, at, {
    spikeFactor: ctx.config.COST_SPIKE_FACTOR,
    minimumUsd: ctx.config.COST_SPIKE_MINIMUM_USD,
  });
  if (alerts.length === 0) return [];
  return ctx.commit(async (tx) => {
    const events: MeshEvent[] = [];
    for (const alert of alerts) {
      if (!(await claimAlert(tx, alert))) continue;
      const { key, ...data } = alert;
      ctx.logger.warn("cost alert", { key, message: alert.message });
      events.push(ctx.emit(CostAlerted, data, { key, subject: alert.budget ?? alert.subject }));
    }
    return events;
  });
}
