import type { SqlExecutor } from "../ports/db.ts";

/** What the inbox de-duplicates by: one function, one event (source and id). */
export interface InboxKey {
  readonly functionName: string;
  readonly source: string;
  readonly eventId: string;
}

export async function isHandled(db: SqlExecutor, key: InboxKey): Promise<boolean> {
  const { rows } = await db.query(
    "SELECT 1 FROM inbox WHERE function_name = $1 AND source = $2 AND event_id = $3",
    [key.functionName, key.source, key.eventId],
  );
  return rows.length > 0;
}

/**
 * Marks the event as handled, inside the caller's transaction. False when it already was:
 * another delivery of the same event got there first, and this one must have no effect.
 */
export async function claimInbox(tx: SqlExecutor, key: InboxKey): Promise<boolean> {
  const { rows } = await tx.query(
    `INSERT INTO inbox (function_name, source, event_id) VALUES ($1, $2, $3)
     ON CONFLICT DO NOTHING RETURNING 1`,
    [key.functionName, key.source, key.eventId],
  );
  return rows.length > 0;
}
