import type { MeshEvent } from "@mesh-six/events";
import { NonRetryableError } from "../errors.ts";
import type { Db, SqlExecutor } from "../ports/db.ts";
import { fromStored, toStored } from "./event-json.ts";

/** A delivery that failed for good, as stored in `dead_letters`. */
export interface DeadLetter {
  readonly id: string;
  /** `<namespace>/<broker>`. */
  readonly broker: string;
  readonly trigger: string | null;
  /** Where delivery failed (the `knativeerrordest` value). */
  readonly subscriber: string | null;
  /** The event with the `knativeerror*` extensions. */
  readonly event: MeshEvent;
  /** The subscriber's last HTTP status; null for a timeout or a connection error. */
  readonly errorCode: number | null;
  /** Base64 of the first 1024 bytes of the subscriber's last response body (`knativeerrordata`). */
  readonly errorData: string | null;
  readonly attempts: number;
  readonly createdAt: string;
  readonly replayedAt: string | null;
}

export interface DeadLetterEntry {
  readonly broker: string;
  /** The event as dead-lettered; missing fields are read from its `knativeerror*` extensions. */
  readonly event: MeshEvent;
  readonly trigger?: string | null;
  readonly subscriber?: string | null;
  readonly errorCode?: number | null;
  readonly errorData?: string | null;
  readonly attempts?: number;
  /** Milliseconds since the epoch; the database's time when omitted. */
  readonly at?: number;
}

export const errorExtensions = ["knativeerrordest", "knativeerrorcode", "knativeerrordata"] as const;
const maxErrorDataBytes = 1024;

/** The event with the extensions the Kafka broker adds before sending it to a dead-letter sink. */
export function withErrorExtensions(
  event: MeshEvent,
  failure: { readonly destination: string; readonly status?: number; readonly body?: Uint8Array },
): MeshEvent {
  const extended: Record<string, unknown> = {
    ...withoutErrorExtensions(event),
    knativeerrordest: failure.destination,
  };
  if (failure.status !== undefined) extended.knativeerrorcode = String(failure.status);
  if (failure.status !== undefined && failure.body && failure.body.length > 0) {
    extended.knativeerrordata = Buffer.from(failure.body.subarray(0, maxErrorDataBytes)).toString("base64");
  }
  return extended as MeshEvent;
}

export function withoutErrorExtensions(event: MeshEvent): MeshEvent {
  const copy: Record<string, unknown> = { ...event };
  for (const name of errorExtensions) delete copy[name];
  return copy as MeshEvent;
}

/**
 * Stores a dead letter and returns it. Idempotent: while a dead letter of the same event
 * (source, id) and subscriber is not replayed, storing it again returns the stored one.
 */
export async function storeDeadLetter(db: SqlExecutor, entry: DeadLetterEntry): Promise<DeadLetter> {
  const { event } = entry;
  const code = entry.errorCode ?? (Number.parseInt(String(event.knativeerrorcode ?? ""), 10) || null);
  const subscriber = entry.subscriber ?? stringOrNull(event.knativeerrordest);
  const stored = toStored(event);
  const inserted = await db.query<DeadLetterRow>(
    `INSERT INTO dead_letters (broker, trigger_name, subscriber, event, error_code, error_data, attempts, created_at, data)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, coalesce(to_timestamp($8::double precision / 1000), now()), $9)
     ON CONFLICT (broker, md5(event ->> 'source'), md5(event ->> 'id'), md5(coalesce(subscriber, '')))
       WHERE replayed_at IS NULL DO NOTHING
     RETURNING ${columns}`,
    [
      entry.broker,
      entry.trigger ?? null,
      subscriber,
      stored.attributes,
      code,
      entry.errorData ?? stringOrNull(event.knativeerrordata),
      entry.attempts ?? 0,
      entry.at ?? null,
      stored.data,
    ],
  );
  if (inserted.rows[0]) return toDeadLetter(inserted.rows[0]);
  const { rows } = await db.query<DeadLetterRow>(
    `SELECT ${columns} FROM dead_letters
      WHERE broker = $1 AND event ->> 'source' = $2 AND event ->> 'id' = $3
        AND coalesce(subscriber, '') = coalesce($4, '') AND replayed_at IS NULL`,
    [entry.broker, event.source, event.id, subscriber],
  );
  return toDeadLetter(rows[0]!);
}

/** Dead letters, newest first; replayed ones only when asked. */
export async function listDeadLetters(
  db: SqlExecutor,
  options: { limit?: number; includeReplayed?: boolean } = {},
): Promise<DeadLetter[]> {
  const { rows } = await db.query<DeadLetterRow>(
    `SELECT ${columns} FROM dead_letters WHERE $1::boolean OR replayed_at IS NULL ORDER BY id DESC LIMIT $2`,
    [options.includeReplayed ?? false, options.limit ?? 100],
  );
  return rows.map(toDeadLetter);
}

export async function getDeadLetter(db: SqlExecutor, id: string): Promise<DeadLetter | undefined> {
  if (!/^\d+$/.test(id)) return undefined;
  const { rows } = await db.query<DeadLetterRow>(`SELECT ${columns} FROM dead_letters WHERE id = $1`, [id]);
  return rows[0] ? toDeadLetter(rows[0]) : undefined;
}

/** A dead letter was replayed already, and the replay did not say `again`. */
export class DeadLetterReplayedError extends NonRetryableError {
  readonly deadLetter: DeadLetter;
  constructor(deadLetter: DeadLetter) {
    super(
      `dead letter ${deadLetter.id} was replayed already (at ${deadLetter.replayedAt}); to publish its event once more on purpose, replay it with again: POST /dead-letters/${deadLetter.id}/replay?again=true (mesh dead-letters replay ${deadLetter.id} --again)`,
    );
    this.deadLetter = deadLetter;
  }
}

/**
 * Publishes the dead letter's original event (without the `knativeerror*` extensions)
 * and marks it replayed; undefined when there is no such dead letter. A dead letter is
 * replayed once: a second replay, or one racing the first, throws DeadLetterReplayedError
 * unless `again` is set. Throws, leaving it as it was, when `publish` throws.
 */
export async function replayDeadLetter(
  db: Db,
  id: string,
  publish: (event: MeshEvent) => Promise<void>,
  options: { readonly again?: boolean } = {},
): Promise<DeadLetter | undefined> {
  const deadLetter = await getDeadLetter(db, id);
  if (!deadLetter) return undefined;
  const event = withoutErrorExtensions(deadLetter.event);
  if (options.again) {
    await publish(event);
    const { rows } = await db.query<DeadLetterRow>(
      `UPDATE dead_letters SET replayed_at = now() WHERE id = $1 RETURNING ${columns}`,
      [id],
    );
    return rows[0] ? toDeadLetter(rows[0]) : undefined;
  }
  // claim the replay first, so of two replays at once only one publishes
  const { rows } = await db.query<DeadLetterRow>(
    `UPDATE dead_letters SET replayed_at = now() WHERE id = $1 AND replayed_at IS NULL RETURNING ${columns}`,
    [id],
  );
  if (!rows[0]) throw new DeadLetterReplayedError((await getDeadLetter(db, id)) ?? deadLetter);
  try {
    await publish(event);
  } catch (error) {
    // not published: open again (left replayed if another open dead letter of the event arrived meanwhile)
    await db.query("UPDATE dead_letters SET replayed_at = NULL WHERE id = $1", [id]).catch(() => undefined);
    throw error;
  }
  return toDeadLetter(rows[0]);
}

const columns =
  "id, broker, trigger_name, subscriber, event, data, error_code, error_data, attempts, created_at, replayed_at";

interface DeadLetterRow {
  id: string | number;
  broker: string;
  trigger_name: string | null;
  subscriber: string | null;
  event: unknown;
  data: Uint8Array | null;
  error_code: number | null;
  error_data: string | null;
  attempts: number;
  created_at: Date | string;
  replayed_at: Date | string | null;
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: String(row.id),
    broker: row.broker,
    trigger: row.trigger_name,
    subscriber: row.subscriber,
    event: fromStored(row.event, row.data),
    errorCode: row.error_code === null ? null : Number(row.error_code),
    errorData: row.error_data,
    attempts: Number(row.attempts),
    createdAt: new Date(row.created_at).toISOString(),
    replayedAt: row.replayed_at === null ? null : new Date(row.replayed_at).toISOString(),
  };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}
