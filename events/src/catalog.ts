import { ApprovalDecided, ApprovalRequested } from "./approval.ts";
import { CostAlerted, CostReported } from "./cost.ts";
import type { EventType } from "./define.ts";
import { RunContinued } from "./run.ts";
import { PingFired } from "./system.ts";
import {
  TaskCompleted,
  TaskDispatched,
  TaskFailed,
  TaskFinished,
  TaskProgress,
  TaskRequested,
} from "./task.ts";
import { GiteaWebhook, GitHubWebhook } from "./webhook.ts";

/** Every event type mesh-six produces or consumes, once. */
export const catalog: readonly EventType[] = [
  TaskRequested,
  TaskDispatched,
  TaskProgress,
  TaskCompleted,
  TaskFailed,
  TaskFinished,
  RunContinued,
  ApprovalRequested,
  ApprovalDecided,
  PingFired,
  GitHubWebhook,
  GiteaWebhook,
  CostReported,
  CostAlerted,
];

/** The catalog's definition of `type`: its own, or the family (`defineEventFamily`) it belongs to. */
export function findEventType(type: string): EventType | undefined {
  return (
    catalog.find((definition) => definition.type === type) ??
    catalog.find((definition) => definition.includes(type))
  );
}

/**
 * The event types outside senders may publish (those defined with `fromOutside: true`):
 * the broker ingress refuses the others with 403, and the Knative deployment's
 * EventPolicies allow only these from senders that are not mesh functions.
 */
export function outsideEventTypes(): string[] {
  return catalog.filter((definition) => definition.fromOutside).map((definition) => definition.type);
}
