import type { MeshEvent } from "@mesh-six/events";
import { decodeBase64 } from "../broker/event-json.ts";
import type { SqlExecutor } from "../ports/db.ts";
import type { InboxKey } from "./inbox.ts";

/**
 * An event as the outbox's jsonb column holds it: as it is, but data that is bytes (an
 * event carrying what an outside system sent, byte for byte) as `data_base64`, which
 * jsonb keeps exactly. `fromOutboxJson` turns it back.
 */
export function outboxJson(event: MeshEvent): string {
  if (!(event.data instanceof Uint8Array)) return JSON.stringify(event);
  const { data, ...attributes } = event;
  return JSON.stringify({ ...attributes, data_base64: Buffer.from(data).toString("base64") });
}

/** The event `outboxJson` stored: `data_base64` back to the bytes. */
export function fromOutboxJson(stored: unknown): MeshEvent {
  const event = (typeof stored === "string" ? JSON.parse(stored) : stored) as MeshEvent;
  if (typeof event.data_base64 !== "string" || event.data !== undefined) return event;
  const { data_base64, ...attributes } = event;
  return { ...attributes, data: decodeBase64(data_base64) ?? new Uint8Array() } as MeshEvent;
}

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
      outboxJson(event),
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

/**
 * Marks the event handled (the inbox row) and stores its follow-ups in the outbox, in one
 * statement, so both happen or neither. False, with nothing stored, when the event was
 * handled already: another delivery got there first and this one must have no effect.
 */
export async function storeHandled(
  db: SqlExecutor,
  key: InboxKey,
  events: readonly MeshEvent[],
  now: number,
): Promise<boolean> {
  const { rows } = await db.query<{ claimed: boolean }>(
    `WITH claimed AS (
       INSERT INTO inbox (function_name, source, event_id) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING 1
     ), stored AS (
       INSERT INTO outbox (function_name, event_id, source, event, cause_source, cause_id, created_at)
       SELECT $1, follow_up.id, follow_up.source, follow_up.event::jsonb, $2, $3, $4
         FROM unnest($5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS follow_up (id, source, event, n)
        WHERE EXISTS (SELECT 1 FROM claimed)
        ORDER BY follow_up.n
       ON CONFLICT (source, event_id) DO NOTHING
     )
     SELECT EXISTS (SELECT 1 FROM claimed) AS claimed`,
    [
      key.functionName,
      key.source,
      key.eventId,
      now,
      events.map((event) => event.id),
      events.map((event) => event.source),
      events.map(outboxJson),
    ],
  );
  return rows[0]?.claimed === true;
}
