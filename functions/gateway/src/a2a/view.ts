import { Artifact, Message, Task, taskStateFromJSON } from "@a2a-js/sdk";
import type { TaskRecord } from "@mesh-six/shared/registry/tasks";
import type { ApprovalRecord } from "@mesh-six/shared/run/approvals";
import { type A2AState, a2aStateOf } from "./state.ts";
import type { A2ATaskRecord } from "./store.ts";

/** Everything an A2A task is read from: its row, its mesh task, and the approval its run waits for. */
export interface TaskSources {
  readonly record: A2ATaskRecord;
  readonly meshTask?: TaskRecord;
  readonly waiting?: ApprovalRecord;
}

export function stateOf(sources: TaskSources): A2AState {
  return a2aStateOf({
    ...(sources.meshTask ? { task: sources.meshTask } : {}),
    ...(sources.waiting ? { waitingFor: sources.waiting.kind } : {}),
    canceled: sources.record.canceledAt !== undefined,
  });
}

/** The artifacts of a finished mesh task: its result, as text (the answer) and as data. */
export function artifactsOf(taskId: string, result: unknown): unknown[] {
  if (result === undefined || result === null) return [];
  const answer = typeof result === "string" ? result : (result as { answer?: unknown }).answer;
  const parts: unknown[] = [];
  if (typeof answer === "string") parts.push({ text: answer });
  if (typeof result === "object") parts.push({ data: result, mediaType: "application/json" });
  if (parts.length === 0) parts.push({ data: { value: result }, mediaType: "application/json" });
  return [{ artifactId: `${taskId}-result`, name: "result", parts }];
}

/** What the agent says with the status: the question or action it waits on, or why it failed. */
function statusText(sources: TaskSources, state: A2AState): string | undefined {
  const waiting = sources.waiting;
  if (waiting && (state === "TASK_STATE_INPUT_REQUIRED" || state === "TASK_STATE_AUTH_REQUIRED")) {
    const context = waiting.context;
    const asked = context.question ?? context.action ?? "a person must decide";
    return waiting.kind === "approval"
      ? `approval needed: ${asked}${context.reason ? ` (${context.reason})` : ""}; answer "approved" or "rejected"`
      : asked;
  }
  if (state === "TASK_STATE_CANCELED" && sources.record.canceledBy) {
    return `canceled by ${sources.record.canceledBy}`;
  }
  if (state === "TASK_STATE_FAILED" || state === "TASK_STATE_REJECTED")
    return sources.meshTask?.error?.message;
  return undefined;
}

/** The A2A task as the SDK's types hold it (the transports write it in the binding's JSON). */
export function taskOf(sources: TaskSources, historyLength?: number): Task {
  const { record, meshTask } = sources;
  const state = stateOf(sources);
  const text = statusText(sources, state);
  const artifacts =
    record.artifacts ?? (meshTask?.status === "succeeded" ? artifactsOf(record.id, meshTask.result) : []);
  const history =
    historyLength === undefined
      ? record.history
      : historyLength === 0
        ? []
        : record.history.slice(-historyLength);
  return Task.fromJSON({
    id: record.id,
    contextId: record.contextId,
    status: {
      state,
      timestamp: meshTask?.updatedAt ?? new Date(record.updatedAt).toISOString(),
      ...(text === undefined
        ? {}
        : {
            message: {
              messageId: `${record.id}-status-${sources.waiting?.id ?? state.toLowerCase()}`,
              taskId: record.id,
              contextId: record.contextId,
              role: "ROLE_AGENT",
              parts: [{ text }],
            },
          }),
    },
    artifacts,
    history,
    metadata: {
      meshTaskId: record.meshTaskId,
      capability: record.capability,
      ...(meshTask?.agentId ? { agentId: meshTask.agentId } : {}),
    },
  });
}

export const stateValue = (state: A2AState) => taskStateFromJSON(state);
export const messageFromJson = (json: unknown) => Message.fromJSON(json);
export const messageToJson = (message: Message) => Message.toJSON(message);
export const artifactFromJson = (json: unknown) => Artifact.fromJSON(json);
