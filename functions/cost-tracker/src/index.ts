import {
  CostAlerted,
  CostReported,
  PingFired,
  TaskCompleted,
  TaskDispatched,
  TaskFailed,
} from "@mesh-six/events";
import { NonRetryableError } from "@mesh-six/shared/errors";
import { defineFunction } from "@mesh-six/shared/function/define";
import { costTrackerConfig } from "./config.ts";
import { onReportTask } from "./report-task.ts";
import { onAlertPing, onReportPing } from "./scheduled.ts";

export const costReporting = "cost-reporting";
export const reportSchedule = "report";
export const alertSchedule = "alerts";

export interface CostTrackerSchedules {
  /** Five-field cron of the daily report (yesterday's spend); default 06:00. */
  readonly reportCron?: string;
  /** Five-field cron of the spike and budget-warning check; default every hour at :05. */
  readonly alertCron?: string;
  /** IANA timezone the crons are read in; UTC when omitted. */
  readonly timezone?: string;
}

/**
 * The cost tracker with its schedules: each becomes a PingSource (`npm run manifests`) and
 * fires on the embedded host's scheduler. Give other crons by listing
 * `defineCostTracker({ reportCron: "0 7 * * 1" })` in the fleet instead of `costTracker`.
 */
export function defineCostTracker(schedules: CostTrackerSchedules = {}) {
  const zone = schedules.timezone === undefined ? {} : { timezone: schedules.timezone };
  return defineFunction({
    name: "cost-tracker",
    description:
      "Turns llm_usage into cost reports (daily on a PingSource as dev.meshsix.cost.reported, or on demand as a cost-reporting task) and spike and budget-warning alerts (dev.meshsix.cost.alerted, once per window).",
    capabilities: [{ name: costReporting, weight: 1.0 }],
    config: costTrackerConfig,
    subscriptions: [
      { name: "tasks", attributes: { type: TaskDispatched.type, meshagent: "cost-tracker" } },
      {
        name: "reports",
        filters: [
          { exact: { type: PingFired.type } },
          { suffix: { source: `/pingsources/cost-tracker-${reportSchedule}` } },
        ],
      },
      {
        name: "alerts",
        filters: [
          { exact: { type: PingFired.type } },
          { suffix: { source: `/pingsources/cost-tracker-${alertSchedule}` } },
        ],
      },
    ],
    schedules: [
      { name: reportSchedule, schedule: schedules.reportCron ?? "0 6 * * *", ...zone },
      { name: alertSchedule, schedule: schedules.alertCron ?? "5 * * * *", ...zone },
    ],
    emits: [TaskCompleted, TaskFailed, CostReported, CostAlerted],
    delivery: { retry: 3, backoffPolicy: "exponential", backoffDelay: "PT1S" },
    scaling: { minScale: 0, maxScale: 2, concurrency: 10, timeoutSeconds: 120 },
    async handler(event, ctx) {
      if (TaskDispatched.is(event)) return onReportTask(event, ctx);
      if (PingFired.is(event) && event.source.endsWith(`/cost-tracker-${reportSchedule}`)) {
        return onReportPing(event, ctx);
      }
      if (PingFired.is(event) && event.source.endsWith(`/cost-tracker-${alertSchedule}`)) {
        return onAlertPing(event, ctx);
      }
      throw new NonRetryableError(
        `the cost tracker does not handle ${event.type} from ${event.source}; check the Trigger filters of its subscriptions`,
      );
    },
  });
}

/** The cost tracker on its default schedules: the report at 06:00 UTC, alerts hourly. */
export const costTracker = defineCostTracker();
