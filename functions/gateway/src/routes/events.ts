import { toJsonFormat } from "@mesh-six/shared/broker/event-json";
import { stringifyJson } from "@mesh-six/shared/broker/raw-json";
import { jsonResponse } from "@mesh-six/shared/http/json-response";
import {
  type MeshEventRow,
  type ReadMeshEventsOptions,
  readMeshEvents,
  traceCondition,
} from "@mesh-six/shared/log/event-log";
import type { SqlExecutor } from "@mesh-six/shared/ports/db";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { needs } from "../access.ts";
import { parseQuery, wholeNumber } from "../query.ts";
import { routeModule } from "../route-module.ts";

/** How often the stream looks for new rows, and how many idle polls pass between keep-alive comments. */
export const streamPollMs = 500;
const keepAliveEvery = 30;
const batch = 100;

const filters = {
  kind: z.string().min(1).optional(),
  type: z.string().min(1).optional(),
  trace: z
    .string()
    .regex(
      /^[0-9a-f]{8,32}$/,
      "must be a W3C trace id (32 lowercase hex digits) or its first 8 or more digits, as mesh events tail prints them",
    )
    .optional(),
};

const position = {
  after: wholeNumber(0).optional(),
  last: wholeNumber(0, 1000).optional(),
};

const notBoth = (query: { after?: number | undefined; last?: number | undefined }) =>
  query.after === undefined || query.last === undefined;
const notBothIssue = { message: "give either 'after' or 'last', not both", path: ["last"] };

const pageQuery = z
  .strictObject({ ...position, ...filters, limit: wholeNumber(1, 1000).optional() })
  .refine(notBoth, notBothIssue);
const streamQuery = z.strictObject({ ...position, ...filters }).refine(notBoth, notBothIssue);

type Filters = Pick<ReadMeshEventsOptions, "kind" | "eventType" | "traceId">;

/**
 * The event feed over `mesh_events`:
 * - `GET /events?after=&last=&limit=&kind=&type=&trace=` → `{ events, lastId }`, oldest first.
 *   `after` pages on by row id; `last=N` starts at the newest N rows; `lastId` is the cursor to pass next;
 *   `trace` takes a whole trace id or its first 8 or more digits. An `event.accepted` row carries `event`, the
 *   accepted event in the CloudEvents JSON format: every attribute, and its data exactly as accepted.
 * - `GET /events/stream` (same filters, `after` or `last`, or the `Last-Event-ID` header) → Server-Sent
 *   Events, one `data:` JSON row each with `id:` its row id; without a position it starts at the newest
 *   row, so it shows only what happens from now on. It runs until the client disconnects.
 */
export const eventRoutes = routeModule("/events", (app, ctx) => {
  app.get("/", needs("read"), async (context) => {
    const query = parseQuery(context, pageQuery);
    if (!query.ok) return query.response;
    const { after, last, limit } = query.data;
    const selection = selectionOf(query.data);
    const start = last === undefined ? (after ?? 0) : await beforeNewest(ctx.db, last, selection);
    const events = await readMeshEvents(ctx.db, { ...selection, after: start, limit: limit ?? batch });
    return jsonResponse({ events: events.map(rowView), lastId: events.at(-1)?.id ?? start });
  });

  app.get("/stream", needs("read"), async (context) => {
    const query = parseQuery(context, streamQuery);
    if (!query.ok) return query.response;
    const resume = context.req.header("last-event-id");
    if (resume !== undefined && !(/^\d{1,16}$/.test(resume) && Number(resume) <= Number.MAX_SAFE_INTEGER)) {
      return context.json(
        {
          error: `invalid header 'Last-Event-ID': must be a row id (a whole number up to ${Number.MAX_SAFE_INTEGER})`,
        },
        400,
      );
    }
    const selection = selectionOf(query.data);
    const { after, last } = query.data;
    let cursor =
      resume !== undefined
        ? Number(resume)
        : after !== undefined
          ? after
          : await beforeNewest(ctx.db, last ?? 0, selection);
    return streamSSE(context, async (stream) => {
      const stop = new AbortController();
      stream.onAbort(() => stop.abort());
      context.req.raw.signal.addEventListener("abort", () => stop.abort(), { once: true });
      let idle = 0;
      while (!stop.signal.aborted) {
        const rows = await readMeshEvents(ctx.db, { ...selection, after: cursor, limit: batch });
        for (const row of rows) {
          await stream.writeSSE({ id: String(row.id), data: stringifyJson(rowView(row)) });
          cursor = row.id;
        }
        if (rows.length === batch) continue;
        idle = rows.length === 0 ? idle + 1 : 0;
        if (idle >= keepAliveEvery) {
          await stream.write(": keep-alive\n\n");
          idle = 0;
        }
        const woke = await ctx.clock.sleep(streamPollMs, stop.signal).then(
          () => true,
          () => false,
        );
        if (!woke) break;
      }
    });
  });
});

/** A row as the API shows it: an accepted event in the CloudEvents JSON format, its data as accepted. */
function rowView(row: MeshEventRow) {
  return row.event ? { ...row, event: toJsonFormat(row.event) } : row;
}

function selectionOf(query: {
  kind?: string | undefined;
  type?: string | undefined;
  trace?: string | undefined;
}) {
  const selection: { -readonly [Key in keyof Filters]: Filters[Key] } = {};
  if (query.kind !== undefined) selection.kind = query.kind;
  if (query.type !== undefined) selection.eventType = query.type;
  if (query.trace !== undefined) selection.traceId = query.trace;
  return selection;
}

/** The row id just before the newest `count` rows that match, so reading after it yields those rows. */
async function beforeNewest(db: SqlExecutor, count: number, selection: Filters): Promise<number> {
  const { rows } = await db.query<{ id: string | number }>(
    `SELECT id FROM mesh_events
      WHERE ($1::text IS NULL OR kind = $1)
        AND ($2::text IS NULL OR event_type = $2)
        AND ${traceCondition("$3")}
      ORDER BY id DESC
      LIMIT 1 OFFSET $4`,
    [selection.kind ?? null, selection.eventType ?? null, selection.traceId ?? null, count],
  );
  return rows[0] ? Number(rows[0].id) : 0;
}
