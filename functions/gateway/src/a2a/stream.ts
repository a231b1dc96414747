import { type Message, Role, type StreamResponse, type Task, TaskState } from "@a2a-js/sdk";
import type { GatewayContext } from "../config.ts";
import { progressSince } from "./progress.ts";
import { interruptedStates, terminalStates } from "./state.ts";
import { stateOf, type TaskSources, taskOf } from "./view.ts";

/** How often a stream reads the task again. */
export const streamPollMs = 250;

export interface WatchSettings {
  readonly ctx: GatewayContext;
  readonly signal: AbortSignal;
  /** Reads the task's sources as stored now (any replica's writes included). */
  readonly read: () => Promise<TaskSources>;
}

/**
 * A task's stream, read from Postgres so any replica serves it and a client that lost
 * its stream picks it up anywhere: the task first, then a status update at each change
 * of state (the artifacts just before `COMPLETED`) and a `WORKING` update with each
 * progress message the agent reports (task.progress in the event log), ending once the
 * task has finished or waits for the caller (input or auth required), or when the client
 * goes away.
 */
export async function* watchTask(settings: WatchSettings): AsyncGenerator<StreamResponse> {
  const { ctx, signal } = settings;
  let sources = await settings.read();
  let state = stateOf(sources);
  let cursor = 0;
  yield { payload: { $case: "task", value: taskOf(sources) } };
  while (!terminalStates.has(state) && !interruptedStates.has(state) && !signal.aborted) {
    const woke = await ctx.clock.sleep(streamPollMs, signal).then(
      () => true,
      () => false,
    );
    if (!woke) return;
    sources = await settings.read();
    const next = stateOf(sources);
    if (sources.meshTask) {
      const progress = await progressSince(ctx.db, sources.meshTask, cursor);
      cursor = progress.lastId;
      const task = taskOf(sources);
      for (const [index, text] of progress.messages.entries()) {
        yield {
          payload: {
            $case: "statusUpdate",
            value: {
              taskId: task.id,
              contextId: task.contextId,
              status: {
                state: TaskState.TASK_STATE_WORKING,
                timestamp: task.status?.timestamp,
                message: agentMessage(task, `${task.id}-progress-${cursor}-${index}`, text),
              },
              metadata: { progress: true },
            },
          },
        };
      }
    }
    if (next === state) continue;
    state = next;
    const task = taskOf(sources);
    if (state === "TASK_STATE_COMPLETED") {
      for (const artifact of task.artifacts) {
        yield {
          payload: {
            $case: "artifactUpdate",
            value: {
              taskId: task.id,
              contextId: task.contextId,
              artifact,
              append: false,
              lastChunk: true,
              metadata: undefined,
            },
          },
        };
      }
    }
    yield {
      payload: {
        $case: "statusUpdate",
        value: { taskId: task.id, contextId: task.contextId, status: task.status, metadata: undefined },
      },
    };
  }
}

function agentMessage(task: Task, messageId: string, text: string): Message {
  return {
    messageId,
    taskId: task.id,
    contextId: task.contextId,
    role: Role.ROLE_AGENT,
    parts: [{ content: { $case: "text", value: text }, metadata: undefined, filename: "", mediaType: "" }],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}
