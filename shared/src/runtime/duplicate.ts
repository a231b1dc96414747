/**
 * Thrown by `ctx.commit` when the event was already handled (a concurrent delivery of the
 * same event committed first): the transaction rolled back and the delivery is answered
 * 200 with no effect. Let it propagate out of the handler.
 */
export class DuplicateEventError extends Error {
  constructor(functionName: string, source: string, eventId: string) {
    super(`${functionName} already handled event ${eventId} from ${source}; this delivery has no effect`);
    this.name = "DuplicateEventError";
  }
}
