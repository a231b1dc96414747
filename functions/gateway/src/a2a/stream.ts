import type { StreamResponse } from "@a2a-js/sdk";
import type { GatewayContext } from "../config.ts";
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
 * of state (the artifacts just before `COMPLETED`), ending once the task has finished or
 * waits for the caller (input or auth required), or when the client goes away.
 */
export async function* watchTask(settings: WatchSettings): AsyncGenerator<StreamResponse> {
  const { ctx, signal } = settings;
  let sources = await settings.read();
  let state = stateOf(sources);
  yield { payload: { $case: "task", value: taskOf(sources) } };
  while (!terminalStates.has(state) && !interruptedStates.has(state) && !signal.aborted) {
    const woke = await ctx.clock.sleep(streamPollMs, signal).then(
      () => true,
      () => false,
    );
    if (!woke) return;
    sources = await settings.read();
    const next = stateOf(sources);
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
