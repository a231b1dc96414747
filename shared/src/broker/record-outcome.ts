import type { MeshEvent } from "@mesh-six/events";
import { isPermanentDbError } from "../db/errors.ts";
import { errorMessage } from "../errors.ts";
import type { Trigger } from "../function/knative-types.ts";
import type { Db, SqlExecutor } from "../ports/db.ts";
import type { Logger } from "../ports/logger.ts";
import type { AttemptOutcome } from "./attempt.ts";
import { attributeNamePattern, isContextAttribute } from "./attributes.ts";
import { addDeadLetterSinkDelivery, type PendingDelivery, recordAttempt } from "./broker-store.ts";
import { storeDeadLetter, withErrorExtensions } from "./dead-letters.ts";
import { retryDelayMs } from "./delivery-policy.ts";
import { destinationAddress } from "./triggers.ts";

export interface OutcomeContext {
  /** `<namespace>/<name>`. */
  readonly broker: string;
  readonly trigger: Trigger;
  readonly now: number;
  /** Stores a reply in the same transaction, as `publish` would. */
  readonly storeReply: (tx: SqlExecutor, reply: MeshEvent) => Promise<void>;
}

export type RecordedOutcome = "delivered" | "retry" | "dead-lettered" | "dead";

/**
 * Records one attempt atomically (one statement, or several in one transaction):
 * delivered (and its reply stored), a retry at exactly now + the backoff delay, or dead.
 * A subscriber delivery that is dead becomes a dead letter (with the `knativeerror*`
 * extensions) and, when the Trigger has a dead-letter sink, a pending delivery to it; a
 * dead-letter sink delivery that is dead only stays recorded, as its dead letter is
 * stored already.
 */
export async function recordOutcome(
  db: Db,
  delivery: PendingDelivery,
  outcome: AttemptOutcome,
  context: OutcomeContext,
): Promise<RecordedOutcome> {
  if (outcome.kind === "delivered") {
    const delivered = { status: "delivered", lastStatus: outcome.status, lastError: null } as const;
    const { reply } = outcome;
    if (!reply) await recordAttempt(db, delivery, delivered);
    else {
      await db.transaction(async (tx) => {
        await recordAttempt(tx, delivery, delivered);
        await context.storeReply(tx, reply);
      });
    }
    return "delivered";
  }
  const { trigger, now } = context;
  const delay = outcome.retryable ? retryDelayMs(trigger.spec.delivery, delivery.attempts + 1) : undefined;
  const failure = { lastStatus: outcome.status, lastError: outcome.error };
  if (delay !== undefined) {
    await recordAttempt(db, delivery, { status: "pending", nextAttemptAt: now + delay, ...failure });
    return "retry";
  }
  if (delivery.target === "dead-letter-sink") {
    await recordAttempt(db, delivery, { status: "dead", ...failure });
    return "dead";
  }
  await db.transaction((tx) => deadLetter(tx, delivery, outcome, context));
  return "dead-lettered";
}

/**
 * `recordOutcome`, and when that fails in a way that recurs on every attempt
 * (`isPermanentDbError`: a reply or dead letter Postgres cannot hold) the delivery fails
 * for good: it is dead-lettered once with the reason, and when even that cannot be stored
 * it is recorded dead (the event stays in broker_events), so it is never attempted again.
 * Other errors propagate: the delivery stays pending and is attempted again.
 */
export async function recordOutcomeOrGiveUp(
  db: Db,
  delivery: PendingDelivery,
  outcome: AttemptOutcome,
  context: OutcomeContext & { readonly logger: Logger },
): Promise<RecordedOutcome> {
  let reason: string;
  try {
    return await recordOutcome(db, delivery, outcome, context);
  } catch (error) {
    if (!isPermanentDbError(error)) throw error;
    reason = errorMessage(error);
  }
  const deadLettering = outcome.kind === "failed" && !outcome.retryable;
  if (!deadLettering && delivery.target === "subscriber") {
    const error = `the outcome of the delivery cannot be stored (${reason})`;
    try {
      return await recordOutcome(
        db,
        delivery,
        { kind: "failed", retryable: false, status: outcome.status, error },
        context,
      );
    } catch (second) {
      if (!isPermanentDbError(second)) throw second;
      reason = errorMessage(second);
    }
  }
  await recordAttempt(db, delivery, {
    status: "dead",
    lastStatus: outcome.status,
    lastError: `the dead letter cannot be stored (${reason}); the event stays in broker_events, seq ${delivery.seq}`,
  });
  context.logger.error(
    "a delivery failed for good and its dead letter cannot be stored; it is not attempted again",
    {
      trigger: delivery.trigger,
      eventId: delivery.event.id,
      seq: delivery.seq,
      error: reason,
    },
  );
  return "dead";
}

/** A subscriber delivery that failed for good: recorded dead, its dead letter stored and sent to the sink. */
async function deadLetter(
  tx: SqlExecutor,
  delivery: PendingDelivery,
  outcome: Extract<AttemptOutcome, { kind: "failed" }>,
  context: OutcomeContext,
): Promise<void> {
  const { trigger, now } = context;
  await recordAttempt(tx, delivery, { status: "dead", lastStatus: outcome.status, lastError: outcome.error });
  const destination = destinationAddress(trigger.spec.subscriber, trigger.metadata.namespace);
  const event = {
    ...withErrorExtensions(delivery.event, {
      destination,
      ...(outcome.status === null ? {} : { status: outcome.status }),
      ...(outcome.body ? { body: outcome.body } : {}),
    }),
    ...kneExtensions(outcome.headers),
  };
  const deadLetter = await storeDeadLetter(tx, {
    broker: context.broker,
    trigger: trigger.metadata.name,
    subscriber: destination,
    event,
    attempts: delivery.attempts + 1,
    at: now,
  });
  if (trigger.spec.delivery?.deadLetterSink) {
    await addDeadLetterSinkDelivery(tx, {
      seq: delivery.seq,
      trigger: delivery.trigger,
      deadLetterId: deadLetter.id,
      at: now,
    });
  }
}

/** `kne-<name>` response headers become extensions of the dead letter, as in the Kafka broker. */
export function kneExtensions(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const extensions: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const extension = name.toLowerCase().startsWith("kne-") ? name.slice(4).toLowerCase() : "";
    if (attributeNamePattern.test(extension) && !isContextAttribute(extension) && extension !== "data") {
      extensions[extension] = value;
    }
  }
  return extensions;
}
