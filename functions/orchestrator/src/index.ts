import {
  PingFired,
  RunContinued,
  TaskCompleted,
  TaskDispatched,
  TaskFailed,
  TaskFinished,
  TaskRequested,
} from "@mesh-six/events";
import { NonRetryableError } from "@mesh-six/shared/errors";
import { defineFunction } from "@mesh-six/shared/function/define";
import { onRequested, onResult, onSweep } from "./handlers.ts";

export const timeoutSchedule = "timeouts";

/**
 * Routes every task to the best-scored agent, records every result in
 * `agent_task_history`, re-routes failed and timed-out attempts without the agents that
 * failed them, and finishes the task. See docs/routing.md for the rule.
 */
export const orchestrator = defineFunction({
  name: "orchestrator",
  description:
    "Routes task.requested to the best-scored agent, records every result, retries on failure or timeout by re-scoring without the failed agents, and finishes the task.",
  subscriptions: [
    { name: "requests", attributes: { type: TaskRequested.type } },
    { name: "completions", attributes: { type: TaskCompleted.type } },
    { name: "failures", attributes: { type: TaskFailed.type } },
    {
      name: "timeouts",
      filters: [
        { exact: { type: PingFired.type } },
        { suffix: { source: `/pingsources/orchestrator-${timeoutSchedule}` } },
      ],
    },
  ],
  emits: [TaskDispatched, TaskFinished, RunContinued],
  // routing runs the agents' dependency checks (their URLs from this function's environment)
  runsDependencyChecks: true,
  delivery: { retry: 5, backoffPolicy: "exponential", backoffDelay: "PT0.2S" },
  schedules: [{ name: timeoutSchedule, schedule: "* * * * *" }],
  scaling: { minScale: 0, maxScale: 3, concurrency: 20, timeoutSeconds: 60 },
  async handler(event, ctx) {
    if (TaskRequested.is(event)) return onRequested(event, ctx);
    if (TaskCompleted.is(event) || TaskFailed.is(event)) return onResult(event, ctx);
    if (PingFired.is(event)) return onSweep(event, ctx);
    throw new NonRetryableError(
      `the orchestrator does not handle ${event.type}; check the Trigger filters of its subscriptions`,
    );
  },
});
