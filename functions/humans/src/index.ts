import { defineFunction } from "@mesh-six/shared/function/define";
import { askPerson } from "./ask.ts";

export const humanApproval = "human-approval";
export const humanInput = "human-input";

/**
 * A person as an agent: a `human-approval` task waits (with no compute) for someone to
 * approve or reject, a `human-input` task for someone's answer; the task's result is the
 * decision or the answer. People decide through POST /approvals/:id/decision, `mesh
 * approvals`, or a dev.meshsix.approval.decided event.
 */
export const humans = defineFunction({
  name: "humans",
  description: "A person as an agent: approvals and answers, decided through the API, the CLI or an event.",
  capabilities: [
    { name: humanApproval, weight: 1 },
    { name: humanInput, weight: 1 },
  ],
  delivery: { retry: 3, backoffPolicy: "exponential", backoffDelay: "PT0.5S" },
  scaling: { minScale: 0, maxScale: 3, concurrency: 20, timeoutSeconds: 60 },
  run: askPerson,
});
