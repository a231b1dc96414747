import { TaskProgress } from "@mesh-six/events";
import { dataValue } from "@mesh-six/shared/broker/event-data";
import { readMeshEvents } from "@mesh-six/shared/log/event-log";
import type { SqlExecutor } from "@mesh-six/shared/ports/db";

/** A piece of an agent's answer as it writes it: a `task.progress` with `text`. */
export interface LivePiece {
  readonly step: string;
  readonly attempt: number;
  readonly offset: number;
  readonly text: string;
}

/** The newest row of the event log; what a chat reads after, for a task it is about to request. */
export async function newestEventId(db: SqlExecutor): Promise<number> {
  const { rows } = await db.query<{ id: string | number | null }>("SELECT max(id) AS id FROM mesh_events");
  return Number(rows[0]?.id ?? 0);
}

/**
 * The task's live text accepted after row `after`, oldest first, read from the event log
 * as `GET /events/stream` reads it, so any gateway replica can stream any task.
 */
export async function liveTextAfter(
  db: SqlExecutor,
  taskId: string,
  after: number,
): Promise<{ readonly cursor: number; readonly pieces: LivePiece[] }> {
  const rows = await readMeshEvents(db, {
    after,
    kind: "event.accepted",
    eventType: TaskProgress.type,
    subject: taskId,
    limit: 200,
  });
  const pieces: LivePiece[] = [];
  for (const row of rows) {
    if (!row.event) continue;
    const parsed = TaskProgress.schema.safeParse(dataValue(row.event));
    if (!parsed.success) continue;
    const { step, text, offset, attempt } = parsed.data;
    if (text === undefined || step === undefined) continue;
    pieces.push({ step, attempt: attempt ?? 1, offset: offset ?? 0, text });
  }
  return { cursor: rows.at(-1)?.id ?? after, pieces };
}

/**
 * Turns pieces into the text a stream sends, each character once: a piece that repeats
 * what was sent (a redelivery) adds only what is new; a new step's (or attempt's) text
 * follows on. `rest(answer)` is what the final answer adds to what was sent.
 */
export function createTextAssembler() {
  let current = "";
  let sent = "";
  return {
    take(piece: LivePiece): string {
      const key = `${piece.step}#${piece.attempt}`;
      if (key !== current) {
        current = key;
        sent = "";
      }
      const end = piece.offset + piece.text.length;
      if (end <= sent.length) return "";
      const fresh = piece.offset >= sent.length ? piece.text : piece.text.slice(sent.length - piece.offset);
      sent += fresh;
      return fresh;
    },
    rest(answer: string, anySent: boolean): string {
      if (!anySent) return answer;
      return answer.startsWith(sent) ? answer.slice(sent.length) : "";
    },
  };
}
