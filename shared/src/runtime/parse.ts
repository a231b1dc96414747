import type { EventType, MeshEvent } from "@mesh-six/events";
import type { z } from "zod";
import { NonRetryableError } from "../errors.ts";

/**
 * The event's data, typed and validated by its event type's schema. Throws a
 * NonRetryableError naming the field at fault (→ 422, straight to the dead-letter store)
 * when the event is of another type or its data does not fit: delivering it again cannot help.
 */
export function parseEventOrThrow<Schema extends z.ZodType>(
  type: EventType<string, Schema>,
  event: MeshEvent,
): z.output<Schema> {
  const result = type.parse(event);
  if (result.ok) return result.data;
  throw new NonRetryableError(`event ${event.id} from ${event.source}: ${result.error}`);
}
