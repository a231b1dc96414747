import type { TaskRecord } from "@mesh-six/shared/registry/tasks";
import type { ApprovalKind } from "@mesh-six/shared/run/approvals";

/** The A2A v1.0 task states, as their JSON binding names them. */
export type A2AState =
  | "TASK_STATE_SUBMITTED"
  | "TASK_STATE_WORKING"
  | "TASK_STATE_COMPLETED"
  | "TASK_STATE_FAILED"
  | "TASK_STATE_CANCELED"
  | "TASK_STATE_REJECTED"
  | "TASK_STATE_INPUT_REQUIRED"
  | "TASK_STATE_AUTH_REQUIRED";

export const terminalStates: ReadonlySet<A2AState> = new Set([
  "TASK_STATE_COMPLETED",
  "TASK_STATE_FAILED",
  "TASK_STATE_CANCELED",
  "TASK_STATE_REJECTED",
]);

/** States in which the task waits for the caller's next message. */
export const interruptedStates: ReadonlySet<A2AState> = new Set([
  "TASK_STATE_INPUT_REQUIRED",
  "TASK_STATE_AUTH_REQUIRED",
]);

export interface MeshSide {
  /** The mesh task; undefined only in the instant before its row is readable. */
  readonly task?: Pick<TaskRecord, "status" | "error" | "attempts">;
  /** The kind of the approval its run waits for, if any. */
  readonly waitingFor?: ApprovalKind;
  /** The A2A task was canceled through CancelTask. */
  readonly canceled: boolean;
}

/**
 * How a mesh task looks as an A2A task: canceled once CancelTask took it; `requested` is submitted, `dispatched` working
 * (input required when its run waits for an answer, auth required when it waits for a
 * person's approval), `succeeded` completed; `failed` is canceled for a cancelled run,
 * rejected when no agent took it or the agent refused its input, failed otherwise.
 */
export function a2aStateOf(side: MeshSide): A2AState {
  const task = side.task;
  // canceled is final: CancelTask refuses a finished task, so nothing finished it before
  if (side.canceled) return "TASK_STATE_CANCELED";
  if (task?.status === "succeeded") return "TASK_STATE_COMPLETED";
  if (task?.status === "failed") {
    if (task.error?.type === "cancelled") return "TASK_STATE_CANCELED";
    const refused = task.error?.type === "invalid_input";
    const nobody = task.error?.type === "no_agent" && task.attempts.length === 0;
    return refused || nobody ? "TASK_STATE_REJECTED" : "TASK_STATE_FAILED";
  }
  if (!task || task.status === "requested") return "TASK_STATE_SUBMITTED";
  if (side.waitingFor === "input") return "TASK_STATE_INPUT_REQUIRED";
  if (side.waitingFor === "approval") return "TASK_STATE_AUTH_REQUIRED";
  return "TASK_STATE_WORKING";
}
