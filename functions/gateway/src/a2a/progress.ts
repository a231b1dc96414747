import { TaskProgress } from "@mesh-six/events";
import { dataValue } from "@mesh-six/shared/broker/event-data";
import { readMeshEvents } from "@mesh-six/shared/log/event-log";
import type { SqlExecutor } from "@mesh-six/shared/ports/db";

/** What an agent reported on a task since `after` (a mesh_events row id). */
export interface ProgressRead {
  readonly messages: readonly string[];
  /** The cursor to read on from. */
  readonly lastId: number;
}

/**
 * The task.progress events the event log holds for mesh task `taskId` after row `after`,
 * read as `GET /events/stream` reads the log: by the task's trace (an index range) and
 * event type, so a stream on any replica sees what the agent reported wherever it ran.
 */
export async function progressSince(
  db: SqlExecutor,
  task: { readonly id: string; readonly traceId?: string },
  after: number,
): Promise<ProgressRead> {
  if (!task.traceId) return { messages: [], lastId: after };
  const rows = await readMeshEvents(db, {
    traceId: task.traceId,
    eventType: TaskProgress.type,
    kind: "event.accepted",
    after,
    limit: 100,
  });
  const messages: string[] = [];
  for (const row of rows) {
    if (!row.event) continue;
    const parsed = TaskProgress.schema.safeParse(dataValue(row.event));
    if (parsed.success && parsed.data.taskId === task.id) messages.push(parsed.data.message);
  }
  return { messages, lastId: rows.at(-1)?.id ?? after };
}
