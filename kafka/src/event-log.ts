import type { MeshEvent } from "@mesh-six/events";
import { errorMessage } from "@mesh-six/shared/errors";
import { acceptedEntry, recordMeshEvent } from "@mesh-six/shared/log/event-log";
import type { Db } from "@mesh-six/shared/ports/db";
import type { Logger } from "@mesh-six/shared/ports/logger";

/**
 * Records an event Kafka accepted in the event log (`mesh_events`), as the embedded
 * broker does. The event is stored in Kafka already, so a failure here is only logged.
 */
export async function logAccepted(db: Db, event: MeshEvent, logger: Logger): Promise<void> {
  try {
    await recordMeshEvent(db, acceptedEntry(event));
  } catch (error) {
    logger.warn("could not record an accepted event in the event log", {
      eventId: event.id,
      error: errorMessage(error),
    });
  }
}
