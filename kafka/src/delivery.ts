import type { MeshEvent } from "@mesh-six/events";
import { type AttemptOutcome, attemptDelivery } from "@mesh-six/shared/broker/attempt";
import { storeDeadLetter, withErrorExtensions } from "@mesh-six/shared/broker/dead-letters";
import { retryDelayMs, timeoutMs } from "@mesh-six/shared/broker/delivery-policy";
import { kneExtensions } from "@mesh-six/shared/broker/record-outcome";
import { destinationAddress } from "@mesh-six/shared/broker/triggers";
import type { Subscriber } from "@mesh-six/shared/broker/types";
import { isPermanentDbError } from "@mesh-six/shared/db/errors";
import { errorMessage, isRetryable } from "@mesh-six/shared/errors";
import type { Trigger } from "@mesh-six/shared/function/knative-types";
import type { Clock } from "@mesh-six/shared/ports/clock";
import type { Db } from "@mesh-six/shared/ports/db";
import type { Logger } from "@mesh-six/shared/ports/logger";

export interface DeliveryContext {
  /** `<namespace>/<name>` of the broker. */
  readonly broker: string;
  readonly trigger: Trigger;
  readonly subscriber: () => Subscriber;
  /** The Trigger's dead-letter sink, when it has one. */
  readonly deadLetterSink?: () => Subscriber;
  /** Publishes a reply into the broker; resolves once Kafka stored it. */
  readonly publish: (event: MeshEvent) => Promise<void>;
  readonly db: Db;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Aborted when the broker stops: waiting for a retry ends, the event stays uncommitted. */
  readonly signal: AbortSignal;
  /** Counts what deliveries are doing, for tests that wait until nothing moves without the clock. */
  readonly activity?: DeliveryActivity;
}

export interface DeliveryActivity {
  /** Subscriber calls in flight. */
  calling: number;
  /** Deliveries sleeping on the clock until a retry. */
  sleeping: number;
}

/**
 * How delivering one event to one Trigger ended. `delivered` and `dead-lettered` let the
 * offset be committed; `abandoned` (the broker stopped while a retry was due) does not,
 * so the event is delivered again after the next start.
 */
export type DeliveryResult = "delivered" | "dead-lettered" | "abandoned";

const storePauseMs = 1000;

/**
 * Delivers one event as the Kafka broker dispatcher does: attempts with the Trigger's
 * retry and backoff (by the injected clock), a reply published back into the broker
 * before the event counts as delivered, and a failure that cannot or may no longer be
 * retried stored as a dead letter in Postgres (never dropped) and then sent to the
 * Trigger's dead-letter sink.
 */
export async function deliverEvent(event: MeshEvent, context: DeliveryContext): Promise<DeliveryResult> {
  const outcome = await attemptWithRetries(context.subscriber, event, context);
  if (outcome === undefined) return "abandoned";
  if (outcome.kind === "delivered") return "delivered";
  const { trigger } = context;
  const destination = destinationAddress(trigger.spec.subscriber, trigger.metadata.namespace);
  const deadLetter = {
    ...withErrorExtensions(event, {
      destination,
      ...(outcome.status === null ? {} : { status: outcome.status }),
      ...(outcome.body ? { body: outcome.body } : {}),
    }),
    ...kneExtensions(outcome.headers),
  } as MeshEvent;
  context.logger.error("delivery failed; storing a dead letter", {
    eventId: event.id,
    status: outcome.status,
    error: outcome.error,
    attempts: outcome.attempts,
  });
  const stored = await storeUntilDone(context, async () => {
    await storeDeadLetter(context.db, {
      broker: context.broker,
      trigger: trigger.metadata.name,
      subscriber: destination,
      event: deadLetter,
      attempts: outcome.attempts,
      at: context.clock.now(),
    });
  });
  if (!stored) return "abandoned";
  if (!context.deadLetterSink) return "dead-lettered";
  const sinkOutcome = await attemptWithRetries(context.deadLetterSink, deadLetter, context);
  if (sinkOutcome === undefined) return "abandoned";
  if (sinkOutcome.kind === "failed") {
    context.logger.error("the dead-letter sink refused the dead letter; it stays in the dead-letter store", {
      eventId: event.id,
      status: sinkOutcome.status,
      error: sinkOutcome.error,
    });
  }
  return "dead-lettered";
}

type FinalOutcome = AttemptOutcome & { readonly attempts: number };

/** Attempts until delivered or out of retries; undefined when stopped while waiting. */
async function attemptWithRetries(
  subscriber: () => Subscriber,
  event: MeshEvent,
  context: DeliveryContext,
): Promise<FinalOutcome | undefined> {
  const { trigger, clock, activity } = context;
  const options = { clock, timeoutMs: timeoutMs(trigger.spec.delivery) };
  const counted = (): Subscriber => {
    const resolved = subscriber();
    if (!activity) return resolved;
    return (delivered, callOptions) => {
      activity.calling++;
      return resolved(delivered, callOptions).finally(() => {
        activity.calling--;
      });
    };
  };
  for (let attempts = 1; ; attempts++) {
    let outcome = await attemptDelivery(counted, event, options);
    if (outcome.kind === "delivered" && outcome.reply) {
      outcome = await publishReply(outcome, context);
    }
    if (outcome.kind === "delivered") return { ...outcome, attempts };
    const delay = outcome.retryable ? retryDelayMs(trigger.spec.delivery, attempts) : undefined;
    if (delay === undefined) return { ...outcome, attempts };
    context.logger.warn("delivery failed; retrying", {
      eventId: event.id,
      status: outcome.status,
      error: outcome.error,
      retryInMs: delay,
    });
    if (!(await sleep(delay, context))) return undefined;
  }
}

/** Sleeps on the clock; false when the broker stopped first. */
async function sleep(ms: number, context: DeliveryContext): Promise<boolean> {
  const { clock, signal, activity } = context;
  if (signal.aborted) return false;
  if (activity) activity.sleeping++;
  try {
    await clock.sleep(ms, signal);
    return true;
  } catch {
    return false;
  } finally {
    if (activity) activity.sleeping--;
  }
}

async function publishReply(
  outcome: Extract<AttemptOutcome, { kind: "delivered" }>,
  context: DeliveryContext,
): Promise<AttemptOutcome> {
  try {
    await context.publish(outcome.reply!);
    return outcome;
  } catch (error) {
    // an invalid reply never becomes valid; Kafka being away is passing
    return {
      kind: "failed",
      retryable: isRetryable(error),
      status: outcome.status,
      error: `the reply could not be published: ${errorMessage(error)}`,
    };
  }
}

/**
 * Runs `store` until it succeeds (a database outage must not lose the dead letter); false
 * when stopped first. A dead letter Postgres refuses on every attempt (`isPermanentDbError`)
 * is given up on, logged, so the offset moves on: the event stays in the topic.
 */
async function storeUntilDone(context: DeliveryContext, store: () => Promise<void>): Promise<boolean> {
  for (;;) {
    try {
      await store();
      return true;
    } catch (error) {
      if (isPermanentDbError(error)) {
        context.logger.error("the dead letter can never be stored; it stays only in the Kafka topic", {
          error: errorMessage(error),
        });
        return true;
      }
      context.logger.error("could not store a dead letter; trying again", { error: errorMessage(error) });
      if (!(await sleep(storePauseMs, context))) return false;
    }
  }
}
