import { randomUUID } from "node:crypto";
import type { MeshEvent } from "@mesh-six/events";
import { isPermanentDbError } from "../db/errors.ts";
import { errorMessage, NonRetryableError } from "../errors.ts";
import { deliveryOrderAnnotation, type Trigger } from "../function/knative-types.ts";
import { acceptedEntry } from "../log/event-log.ts";
import type { Clock } from "../ports/clock.ts";
import type { Db, SqlExecutor } from "../ports/db.ts";
import type { Logger } from "../ports/logger.ts";
import { attemptDelivery } from "./attempt.ts";
import {
  claimDeliveries,
  type DeliveryTarget,
  deliveryId,
  nextClaimEnd,
  type PendingDelivery,
  readQueues,
  releaseClaims,
  releaseEarlierClaims,
  renewClaims,
  storeEvent,
} from "./broker-store.ts";
import { timeoutMs } from "./delivery-policy.ts";
import { publishable } from "./event-json.ts";
import { compileTriggerFilter, type EventPredicate, validateTrigger } from "./filters.ts";
import { recordOutcomeOrGiveUp } from "./record-outcome.ts";
import type { Broker, Subscriber, SubscriberResolver } from "./types.ts";

export interface EmbeddedBrokerSettings {
  readonly db: Db;
  readonly namespace: string;
  readonly name: string;
  readonly triggers: readonly Trigger[];
  readonly resolve: SubscriberResolver;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Deliveries in flight per Trigger (default 16); an ordered Trigger has at most one per partition key. */
  readonly concurrency?: number;
  /**
   * Other processes dispatch from the same database (embedded hosts sharing a Postgres
   * server): each delivery is claimed before its attempt, for a short lease that the
   * dispatcher renews while the delivery runs; a claim left by a crashed process runs out
   * within one lease, and another dispatcher takes the delivery over. Default: shared
   * unless the database is an in-process PGlite, which no other process can open.
   */
  readonly shared?: boolean;
  /**
   * Who this dispatcher is across restarts (the embedded host: its machine and data
   * folder). Claims carry it with a run id; at start, claims an earlier run with the same
   * identity left (a crash) are released, so a restart takes its deliveries back at once.
   * Default: a new identity each time, so nothing is released at start.
   */
  readonly dispatcherId?: string;
  /** How long a claim lasts unless renewed (it is renewed every third of that); default 5 s. */
  readonly claimLeaseMs?: number;
  /** How often a shared dispatcher looks for deliveries stored by the other processes; default 1 s. */
  readonly pollEveryMs?: number;
}

/** What the dispatcher is doing, for tests that wait until nothing can move without the clock. */
export interface BrokerActivity {
  /** Asleep until the next retry falls due or an event arrives. */
  readonly waiting: boolean;
  readonly inFlight: number;
  /** Attempts waiting for their subscriber's answer (the rest are recording their outcome). */
  readonly calling: number;
}

export interface EmbeddedBroker extends Broker {
  readonly triggers: readonly Trigger[];
  activity(): BrokerActivity;
}

interface CompiledTrigger {
  readonly trigger: Trigger;
  readonly matches: EventPredicate;
  readonly subscribers: Partial<Record<DeliveryTarget, Subscriber>>;
}

interface Attempt {
  readonly queue: string;
  calling: boolean;
  done?: Promise<void>;
}

const targets: readonly DeliveryTarget[] = ["subscriber", "dead-letter-sink"];
const errorPauseMs = 1000;
/** How long a delivery claim lasts unless its dispatcher renews it. */
export const defaultClaimLeaseMs = 5_000;
const longestSleepMs = 2 ** 31 - 1;

/**
 * The in-process broker with the Knative Kafka broker's delivery semantics, durable in
 * Postgres: `publish` stores the event and a pending delivery per matching Trigger in one
 * transaction; a dispatcher delivers due ones, retries with backoff by the injected
 * clock, dead-letters, and publishes replies. Throws when a Trigger is invalid.
 */
export function createEmbeddedBroker(settings: EmbeddedBrokerSettings): EmbeddedBroker {
  const { db, namespace, name, clock, resolve } = settings;
  const broker = `${namespace}/${name}`;
  const logger = settings.logger.child({ broker });
  const concurrency = settings.concurrency ?? 16;
  const shared = settings.shared ?? db.driver !== "pglite";
  const identity = settings.dispatcherId ?? `${name}-${randomUUID()}`;
  const consumer = `${identity}#${randomUUID()}`;
  const claimLeaseMs = settings.claimLeaseMs ?? defaultClaimLeaseMs;
  const renewEveryMs = Math.max(1, Math.floor(claimLeaseMs / 3));
  const pollEveryMs = shared ? (settings.pollEveryMs ?? 1_000) : undefined;
  const compiled = compileTriggers(settings.triggers, namespace, name);
  const triggerNames = [...compiled.keys()];
  const ordered = triggerNames.filter(
    (trigger) => compiled.get(trigger)!.trigger.metadata.annotations?.[deliveryOrderAnnotation] === "ordered",
  );
  const queues = triggerNames.flatMap((trigger) => targets.map((target) => ({ trigger, target })));
  const attempts = new Map<string, Attempt>();
  // deliveries whose outcome could not be recorded rest until then before another attempt
  const resting = new Map<string, number>();
  // queues whose last read may have left due deliveries behind for want of room: the end
  // of an attempt in one of them is a reason to read again
  const backlogged = new Set<string>();
  let running = false;
  let loop: Promise<void> | undefined;
  let renewals: Promise<void> | undefined;
  let renewing = false;
  let stopRenewing = new AbortController();
  let waiting = false;
  let wakeRequested = false;
  let wakeController = new AbortController();

  const wake = () => {
    wakeRequested = true;
    wakeController.abort();
  };

  const storeAccepted = async (executor: SqlExecutor, event: MeshEvent) => {
    const matching = triggerNames.filter((trigger) => compiled.get(trigger)!.matches(event));
    await storeEvent(executor, {
      broker,
      event,
      triggers: matching,
      at: clock.now(),
      log: acceptedEntry(event),
    });
  };

  const subscriberFor = (entry: CompiledTrigger, target: DeliveryTarget): Subscriber => {
    const cached = entry.subscribers[target];
    if (cached) return cached;
    const { trigger } = entry;
    const sink = trigger.spec.delivery?.deadLetterSink;
    const resolved =
      target === "subscriber" || !sink
        ? resolve(trigger)
        : resolve({ ...trigger, spec: { broker: trigger.spec.broker, subscriber: sink } });
    entry.subscribers[target] = resolved;
    return resolved;
  };

  /** Attempts and records one delivery; true when that added or rescheduled a pending delivery. */
  const deliver = async (delivery: PendingDelivery, attempt: Attempt): Promise<boolean> => {
    const entry = compiled.get(delivery.trigger)!;
    const outcome = await attemptDelivery(() => subscriberFor(entry, delivery.target), delivery.event, {
      clock,
      timeoutMs: timeoutMs(entry.trigger.spec.delivery),
    });
    attempt.calling = false;
    const recorded = await recordOutcomeOrGiveUp(db, delivery, outcome, {
      broker,
      trigger: entry.trigger,
      now: clock.now(),
      storeReply: storeAccepted,
      logger,
    });
    const fields = { trigger: delivery.trigger, target: delivery.target, eventId: delivery.event.id };
    if (outcome.kind === "failed") {
      const log = recorded === "retry" ? logger.warn : logger.error;
      log(`delivery failed (${recorded})`, { ...fields, status: outcome.status, error: outcome.error });
    } else logger.debug("delivered", { ...fields, status: outcome.status, reply: outcome.reply?.id });
    return outcome.kind !== "delivered" || outcome.reply !== undefined;
  };

  const start = (delivery: PendingDelivery) => {
    const id = deliveryId(delivery);
    const attempt: Attempt = { queue: queueOf(delivery.trigger, delivery.target), calling: true };
    attempts.set(id, attempt);
    attempt.done = deliver(delivery, attempt)
      .catch((error: unknown) => {
        logger.error("could not record a delivery; it stays pending and is attempted again", {
          trigger: delivery.trigger,
          eventId: delivery.event.id,
          error: errorMessage(error),
        });
        resting.set(id, clock.now() + errorPauseMs);
        return true;
      })
      .then((changed) => {
        attempts.delete(id);
        // the end of a plain delivery frees room and, in an ordered Trigger, its partition
        if (changed || backlogged.has(attempt.queue) || ordered.includes(delivery.trigger)) wake();
      });
  };

  const roomIn = (queue: string) => {
    let running = 0;
    for (const attempt of attempts.values()) if (attempt.queue === queue) running += 1;
    return concurrency - running;
  };

  const dispatch = async () => {
    while (running) {
      wakeRequested = false;
      wakeController = new AbortController();
      const { signal } = wakeController;
      let pause: number | undefined;
      try {
        const now = clock.now();
        for (const [id, until] of resting) if (until <= now) resting.delete(id);
        const rooms = queues.map((queue) => ({
          ...queue,
          room: roomIn(queueOf(queue.trigger, queue.target)),
        }));
        // with no room anywhere, only the end of an attempt can let one start
        const states = rooms.some((queue) => queue.room > 0)
          ? await readQueues(db, {
              broker,
              now,
              queues: rooms,
              ordered,
              inFlight: [...attempts.keys(), ...resting.keys()],
              consumer,
            })
          : rooms.map((queue) => ({ ...queue, due: [], backlogged: true, nextDueAt: undefined }));
        for (const state of states) {
          const key = queueOf(state.trigger, state.target);
          if (state.backlogged) backlogged.add(key);
          else backlogged.delete(key);
        }
        const due = states.flatMap((state) => state.due);
        const claimed = shared
          ? await claimDeliveries(db, {
              consumer,
              now,
              deliveries: due.map((delivery) => ({ ...delivery, until: now + claimLeaseMs })),
            })
          : undefined;
        for (const delivery of due) {
          if (running && (!claimed || claimed.has(deliveryId(delivery)))) start(delivery);
        }
        // only dispatchers sharing the database claim deliveries; woken, it reads again anyway
        const claimEnd =
          shared && !wakeRequested
            ? await nextClaimEnd(db, { now, triggers: triggerNames, consumer })
            : undefined;
        const next = Math.min(
          ...states.map((state) => state.nextDueAt ?? Number.POSITIVE_INFINITY),
          claimEnd ?? Number.POSITIVE_INFINITY,
          ...resting.values(),
          pollEveryMs === undefined ? Number.POSITIVE_INFINITY : now + pollEveryMs,
        );
        pause = Number.isFinite(next) ? Math.max(0, next - clock.now()) : undefined;
        // an attempt that ended during the read may have made room for what it left behind
        if ([...backlogged].some((queue) => roomIn(queue) > 0)) pause = 0;
      } catch (error) {
        if (!running) break;
        logger.error("the dispatcher could not read deliveries; trying again", {
          error: errorMessage(error),
        });
        pause = errorPauseMs;
      }
      if (wakeRequested || !running || pause === 0) continue;
      waiting = true;
      await sleepUntilWoken(pause, signal);
      waiting = false;
    }
  };

  // While its deliveries run, a shared dispatcher extends their claims every third of the
  // lease; when it dies, the renewals stop and the claims run out within one lease.
  const renew = async (signal: AbortSignal) => {
    while (running) {
      const slept = await clock.sleep(renewEveryMs, signal).then(
        () => true,
        () => false,
      );
      if (!slept || !running) break;
      if (attempts.size === 0 && resting.size === 0) continue;
      renewing = true;
      try {
        await renewClaims(db, { consumer, until: clock.now() + claimLeaseMs });
      } catch (error) {
        logger.warn("could not renew the claims on deliveries in flight; they run out if this goes on", {
          error: errorMessage(error),
        });
      } finally {
        renewing = false;
      }
    }
  };

  const sleepUntilWoken = (pause: number | undefined, signal: AbortSignal) => {
    const woken = new Promise<void>((resolve) =>
      signal.addEventListener("abort", () => resolve(), { once: true }),
    );
    if (pause === undefined) return woken;
    return Promise.race([woken, clock.sleep(Math.min(pause, longestSleepMs), signal).catch(() => {})]);
  };

  return {
    namespace,
    name,
    triggers: [...compiled.values()].map((entry) => entry.trigger),
    async publish(event) {
      const normalized = publishable(event);
      try {
        await storeAccepted(db, normalized);
      } catch (error) {
        if (!isPermanentDbError(error)) throw error;
        throw new NonRetryableError(`the event cannot be stored: ${errorMessage(error)}`, { cause: error });
      }
      wake();
    },
    async start() {
      if (running) return;
      // The only process on this database: claims left by an earlier run of it are void.
      if (!shared) await releaseClaims(db, { broker });
      // Shared: what an earlier run of this same dispatcher claimed comes back at once.
      else if (settings.dispatcherId !== undefined) {
        const released = await releaseEarlierClaims(db, { broker, identity, consumer });
        if (released > 0) logger.info("took back the deliveries an earlier run had claimed", { released });
      }
      running = true;
      loop = dispatch();
      if (shared) {
        stopRenewing = new AbortController();
        renewals = renew(stopRenewing.signal);
      }
    },
    async stop() {
      running = false;
      wake();
      await loop;
      loop = undefined;
      await Promise.all([...attempts.values()].map((attempt) => attempt.done));
      stopRenewing.abort();
      await renewals;
      renewals = undefined;
      // What this process claimed but did not attempt goes back to the others at once.
      if (shared) await releaseClaims(db, { broker, consumer }).catch(() => {});
    },
    activity() {
      const calling = [...attempts.values()].filter((attempt) => attempt.calling).length;
      return { waiting: waiting && !wakeRequested && !renewing, inFlight: attempts.size, calling };
    },
  };
}

function queueOf(trigger: string, target: DeliveryTarget): string {
  return `${trigger} ${target}`;
}

/** Validates a broker's Triggers and compiles their filters; throws listing every problem (the kafka broker uses it too). */
export function compileTriggers(
  triggers: readonly Trigger[],
  namespace: string,
  name: string,
): Map<string, CompiledTrigger> {
  const problems: string[] = [];
  const compiled = new Map<string, CompiledTrigger>();
  for (const trigger of triggers) {
    const label = trigger?.metadata?.name ?? "(unnamed)";
    const own = validateTrigger(trigger);
    if (trigger?.spec?.broker !== undefined && trigger.spec.broker !== name) {
      own.push(`spec.broker: ${trigger.spec.broker} is not this broker (${name})`);
    }
    if (trigger?.metadata?.namespace !== undefined && trigger.metadata.namespace !== namespace) {
      own.push(
        `metadata.namespace: ${trigger.metadata.namespace} is not the broker's namespace (${namespace})`,
      );
    }
    if (compiled.has(label)) own.push("metadata.name: another Trigger has this name");
    problems.push(...own.map((problem) => `Trigger ${label}: ${problem}`));
    if (own.length === 0)
      compiled.set(label, { trigger, matches: compileTriggerFilter(trigger), subscribers: {} });
  }
  if (problems.length > 0)
    throw new Error(`invalid Triggers for broker ${namespace}/${name}:\n- ${problems.join("\n- ")}`);
  return compiled;
}
