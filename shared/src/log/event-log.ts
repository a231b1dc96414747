import type { MeshEvent } from "@mesh-six/events";
import { fromStored, toStored } from "../broker/event-json.ts";
import { traceOf } from "../log/trace.ts";
import type { SqlExecutor } from "../ports/db.ts";

/** One row of `mesh_events`: an accepted event, or something a function did (`llm.call`, …). */
export interface MeshEventEntry {
  readonly kind: string;
  readonly traceId?: string;
  readonly functionName?: string;
  readonly eventType?: string;
  readonly eventId?: string;
  readonly source?: string;
  readonly subject?: string;
  /** What the row records (an LLM call's model and tokens, a handler's outcome, …). */
  readonly data?: unknown;
  /** For `event.accepted`: the event itself, every attribute and its data bytes, as accepted. */
  readonly event?: MeshEvent;
}

export interface MeshEventRow extends MeshEventEntry {
  readonly id: number;
  readonly at: string;
}

export async function recordMeshEvent(db: SqlExecutor, entry: MeshEventEntry): Promise<void> {
  await db.query(
    `INSERT INTO mesh_events (${meshEventColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [...meshEventValues(entry)],
  );
}

/** The columns `meshEventValues` gives values for, in order, for statements that insert a row among others. */
export const meshEventColumns =
  "kind, trace_id, function_name, event_type, event_id, source, subject, data, attributes, event_data";

export function meshEventValues(entry: MeshEventEntry): readonly unknown[] {
  const stored = entry.event ? toStored(entry.event) : undefined;
  return [
    entry.kind,
    entry.traceId ?? null,
    entry.functionName ?? null,
    entry.eventType ?? null,
    entry.eventId ?? null,
    entry.source ?? null,
    entry.subject ?? null,
    entry.data === undefined ? null : JSON.stringify(entry.data),
    stored?.attributes ?? null,
    stored?.data ?? null,
  ];
}

/** The `mesh_events` entry for an event the broker accepted. */
export function acceptedEntry(event: MeshEvent): MeshEventEntry {
  return {
    kind: "event.accepted",
    traceId: traceOf(event).traceId,
    eventType: event.type,
    eventId: event.id,
    source: event.source,
    ...(event.subject === undefined ? {} : { subject: event.subject }),
    event,
  };
}

/**
 * The SQL condition for a trace filter in `parameter`: none when it is NULL, else a whole
 * trace id or its first digits (8 or more; `mesh events tail` prints 8), read as a range
 * of the trace index.
 */
export function traceCondition(parameter: string): string {
  return `(${parameter}::text IS NULL OR (trace_id BETWEEN ${parameter} AND ${parameter} || repeat('f', 32 - length(${parameter}))
    AND starts_with(trace_id, ${parameter})))`;
}

export interface ReadMeshEventsOptions {
  /** Only rows with an id greater than this (for tailing). */
  readonly after?: number;
  readonly limit?: number;
  readonly kind?: string;
  readonly eventType?: string;
  /** A whole trace id, or its first 8 or more digits. */
  readonly traceId?: string;
  /** Only rows with this subject (a task's events carry its id). */
  readonly subject?: string;
}

export async function readMeshEvents(
  db: SqlExecutor,
  options: ReadMeshEventsOptions = {},
): Promise<MeshEventRow[]> {
  const { rows } = await db.query<{
    id: string | number;
    at: Date | string;
    kind: string;
    trace_id: string | null;
    function_name: string | null;
    event_type: string | null;
    event_id: string | null;
    source: string | null;
    subject: string | null;
    data: unknown;
    attributes: unknown;
    event_data: unknown;
  }>(
    `SELECT id, at, kind, trace_id, function_name, event_type, event_id, source, subject, data,
            attributes, event_data
       FROM mesh_events
      WHERE id > $1
        AND ($2::text IS NULL OR kind = $2)
        AND ($3::text IS NULL OR event_type = $3)
        AND ${traceCondition("$4")}
        AND ($6::text IS NULL OR subject = $6)
      ORDER BY id
      LIMIT $5`,
    [
      options.after ?? 0,
      options.kind ?? null,
      options.eventType ?? null,
      options.traceId ?? null,
      options.limit ?? 100,
      options.subject ?? null,
    ],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    at: new Date(row.at).toISOString(),
    kind: row.kind,
    ...(row.trace_id ? { traceId: row.trace_id } : {}),
    ...(row.function_name ? { functionName: row.function_name } : {}),
    ...(row.event_type ? { eventType: row.event_type } : {}),
    ...(row.event_id ? { eventId: row.event_id } : {}),
    ...(row.source ? { source: row.source } : {}),
    ...(row.subject ? { subject: row.subject } : {}),
    ...(row.attributes === null ? { data: row.data } : { event: fromStored(row.attributes, row.event_data) }),
  }));
}
