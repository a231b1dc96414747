import type { MeshEvent } from "@mesh-six/events";
import type { SqlExecutor } from "../ports/db.ts";
import type { InboxKey } from "./inbox.ts";

/**
 * Stores follow-up events in the outbox, inside the caller's transaction, remembering the
 * event that caused them. An event already stored (same source and id) is left as it is.
 */
export async function storeInOutbox(
  tx: SqlExecutor,
  cause: InboxKey,
  events: readonly MeshEvent[],
  now: number,
): Promise<void> {
  if (events.length === 0) return;
  const values: string[] = [];
  const params: unknown[] = [];
  for (const event of events) {
    const at = params.length;
    values.push(
      `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}::jsonb, $${at + 5}, $${at + 6}, $${at + 7})`,
    );
    params.push(
      cause.functionName,
      event.id,
      event.source,
      JSON.stringify(event),
      cause.source,
      cause.eventId,
      now,
    );
  }
  await tx.query(
    `INSERT INTO outbox (function_name, event_id, source, event, cause_source, cause_id, created_at)
     VALUES ${values.join(", ")}
     ON CONFLICT (source, event_id) DO NOTHING`,
    params,
  );
}
