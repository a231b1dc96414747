import { TaskRequested } from "@mesh-six/events";
import { recordRequestedTask } from "@mesh-six/shared/registry/tasks";
import type { HttpOutbox } from "@mesh-six/shared/runtime/http-outbox";
import type { MeshRequest } from "./message.ts";
import { insertA2ATask } from "./store.ts";

export interface NewTaskRequest extends MeshRequest {
  readonly taskId: string;
  readonly contextId: string;
  /** The user-message that starts it, in the JSON form. */
  readonly message: unknown;
  readonly agent?: string;
  readonly owner?: string;
  readonly at: number;
}

/**
 * Starts an A2A task as a mesh task, the way `POST /tasks` does: the mesh task is recorded
 * as `requested` and its `task.requested` stored in the gateway's outbox in one
 * transaction with the A2A task's row, then published; the orchestrator routes it by
 * score. A crash before the publish leaves the event in the outbox for the sweep.
 */
export async function submitTask(outbox: HttpOutbox, request: NewTaskRequest): Promise<void> {
  const data = TaskRequested.schema.parse({
    taskId: request.taskId,
    capability: request.capability,
    payload: request.payload,
    ...(request.owner ? { requestedBy: request.owner } : {}),
  });
  const event = TaskRequested.create({
    source: "/mesh-six/gateway/a2a",
    id: request.taskId,
    subject: request.taskId,
    time: new Date(request.at).toISOString(),
    data,
  });
  await outbox.commit(request.taskId, async (tx) => {
    await recordRequestedTask(tx, {
      id: request.taskId,
      capability: data.capability,
      payload: data.payload,
      priority: data.priority,
      timeoutSeconds: data.timeout,
      ...(data.requestedBy ? { requestedBy: data.requestedBy } : {}),
      at: request.at,
    });
    await insertA2ATask(tx, {
      id: request.taskId,
      meshTaskId: request.taskId,
      contextId: request.contextId,
      ...(request.agent ? { agent: request.agent } : {}),
      capability: data.capability,
      ...(request.owner ? { owner: request.owner } : {}),
      message: request.message,
      at: request.at,
    });
    return { value: undefined, events: [event] };
  });
}
