import { type MeshEvent, TaskRequested } from "@mesh-six/events";
import type { SqlExecutor } from "@mesh-six/shared/ports/db";
import { recordRequestedTask } from "@mesh-six/shared/registry/tasks";
import type { z } from "zod";

/** A task request as the gateway sends it: the event's data with its defaults filled in. */
export type TaskRequest = z.output<typeof TaskRequested.schema> & { readonly taskId: string };

/** The request with the event's defaults (priority 5, timeout 120) filled in. */
export function taskRequest(
  taskId: string,
  asked: Omit<z.input<typeof TaskRequested.schema>, "taskId">,
): TaskRequest {
  return { ...TaskRequested.schema.parse({ taskId, ...asked }), taskId };
}

/** The task.requested the gateway publishes for `request`, as one sent to the broker would be. */
export function taskRequestedEvent(request: TaskRequest, now: number): MeshEvent {
  return TaskRequested.create({
    source: "/mesh-six/gateway",
    id: request.taskId,
    subject: request.taskId,
    time: new Date(now).toISOString(),
    data: request,
  });
}

/**
 * Records the task as `requested` (so GET /tasks finds it at once), in the transaction
 * that stores its task.requested in the outbox; the orchestrator takes the record over
 * when the event arrives.
 */
export async function recordTaskRequest(tx: SqlExecutor, request: TaskRequest, now: number): Promise<void> {
  await recordRequestedTask(tx, {
    id: request.taskId,
    capability: request.capability,
    payload: request.payload,
    priority: request.priority,
    timeoutSeconds: request.timeout,
    ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
    ...(request.agent ? { agent: request.agent } : {}),
    at: now,
  });
}
