import { z } from "zod";
import type { SubscriberResponse } from "../broker/types.ts";
import { isPermanentDbError } from "../db/errors.ts";
import { errorMessage, isRetryable, NonRetryableError } from "../errors.ts";

/**
 * Turns what a handler threw into the error the broker acts on: zod validation errors
 * become NonRetryableError (the same input fails the same way), and so do database
 * errors that recur on every attempt (`isPermanentDbError`: text Postgres cannot hold, an
 * index entry over its limit); anything else keeps its own retry behaviour, unknown errors
 * being retryable.
 */
export function toDeliveryError(error: unknown): unknown {
  if (error instanceof z.core.$ZodError) {
    return new NonRetryableError(`invalid data: ${z.prettifyError(error)}`, { cause: error });
  }
  if (!(error instanceof NonRetryableError) && isPermanentDbError(error)) {
    return new NonRetryableError(
      `the database cannot store what this event asks for: ${errorMessage(error)}`,
      {
        cause: error,
      },
    );
  }
  return error;
}

/** 422 for errors that cannot pass on a retry (dead-lettered at once), 503 for the rest (retried). */
export function errorResponse(error: unknown): SubscriberResponse {
  const status = isRetryable(error) ? 503 : 422;
  return { status, body: new TextEncoder().encode(JSON.stringify({ error: errorMessage(error) })) };
}
