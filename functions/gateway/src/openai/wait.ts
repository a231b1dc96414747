import type { Clock } from "@mesh-six/shared/ports/clock";
import type { SqlExecutor } from "@mesh-six/shared/ports/db";
import { readTask, type TaskRecord } from "@mesh-six/shared/registry/tasks";

/** How often a chat looks at its task and its live text. */
export const chatPollMs = 20;
/** The longest a chat request waits for its answer (the gateway's Knative timeout is 300 s). */
export const chatWaitSeconds = 280;

export interface ChatWatch {
  readonly db: SqlExecutor;
  readonly clock: Clock;
  readonly taskId: string;
  /** When the chat stops waiting (clock time). */
  readonly until: number;
  readonly signal: AbortSignal;
}

/** The task once finished (succeeded or failed); undefined when the time ran out or the caller left. */
export async function finishedTask(watch: ChatWatch): Promise<TaskRecord | undefined> {
  for (;;) {
    const task = await readFinished(watch.db, watch.taskId);
    if (task) return task;
    if (!(await pause(watch))) return undefined;
  }
}

/** The task when it has finished (succeeded or failed); undefined while it is still on its way. */
export async function readFinished(db: SqlExecutor, taskId: string): Promise<TaskRecord | undefined> {
  const task = await readTask(db, taskId);
  return task && (task.status === "succeeded" || task.status === "failed") ? task : undefined;
}

/** Waits one poll; false when the time is up or the caller left. */
export async function pause(watch: ChatWatch): Promise<boolean> {
  const left = watch.until - watch.clock.now();
  if (left <= 0 || watch.signal.aborted) return false;
  return watch.clock.sleep(Math.min(chatPollMs, left), watch.signal).then(
    () => true,
    () => false,
  );
}
