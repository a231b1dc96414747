import type { MeshEvent } from "@mesh-six/events";
import { handlerView } from "@mesh-six/shared/broker/event-data";
import type { MeshEventRow } from "@mesh-six/shared/log/event-log";
import type { z } from "zod";

/** An event type as `defineEvent` makes it: its name and its schema. */
interface EventTypeLike<Schema extends z.ZodType> {
  readonly type: string;
  readonly schema: Schema;
}

/**
 * The data of every event of `type` in `events` (a harness's `published`, a mesh's
 * `events`), in order; with `where`, only those whose data has those top-level values.
 */
export function eventsOf<Schema extends z.ZodType>(
  events: readonly MeshEvent[],
  type: EventTypeLike<Schema>,
  where: Partial<Record<keyof z.output<Schema> & string, unknown>> = {},
): z.output<Schema>[] {
  return events
    .filter((event) => event.type === type.type)
    .map((event) => event.data as z.output<Schema>)
    .filter((data) =>
      Object.entries(where).every(
        ([key, value]) => JSON.stringify((data as Record<string, unknown>)[key]) === JSON.stringify(value),
      ),
    );
}

/** The types of `events`, in order: what happened, at a glance. */
export function eventTypes(events: readonly MeshEvent[]): string[] {
  return events.map((event) => event.type);
}

/** The data of an accepted event in the event log, as a handler reads it (its bytes parsed). */
export function dataOf(row: MeshEventRow | undefined): unknown {
  return row?.event ? handlerView(row.event).data : undefined;
}
