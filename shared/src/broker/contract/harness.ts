import type { Trigger } from "../../function/knative-types.ts";
import type { MeshEventRow } from "../../log/event-log.ts";
import type { Clock } from "../../ports/clock.ts";
import type { DeadLetter } from "../dead-letters.ts";
import type { SubscriberResolver } from "../types.ts";

/** What the broker contract suite asks of a host to run against it. */
export interface BrokerHarnessSetup {
  readonly namespace: string;
  readonly broker: string;
  /** The Triggers of this test, all for `namespace`/`broker`. */
  readonly triggers: readonly Trigger[];
  /** The suite's test subscribers, for every Trigger and dead-letter sink (see SubscriberResolver). */
  readonly resolve: SubscriberResolver;
  /**
   * How many test-subscriber calls are waiting on the clock (a delay the test asked for).
   * The harness is idle only when every call in flight is one of them.
   */
  readonly parkedSubscribers: () => number;
}

/** A running broker as the suite drives it: only through its ingress, its clock and its dead letters. */
export interface BrokerHarness {
  /** The broker ingress, a Fetch handler for `POST /<namespace>/<broker>`. */
  readonly ingress: (request: Request) => Promise<Response>;
  /** The clock the broker and the test subscribers share; it moves only by `advance`. */
  readonly clock: Clock;
  /**
   * Moves the clock `ms` forward, stopping at every wake-up on the way (retries,
   * timeouts, subscriber delays) and letting the broker settle after each, so every
   * retry happens at its exact time.
   */
  advance(ms: number): Promise<void>;
  /** Resolves once nothing can happen until the clock moves or an event arrives. */
  idle(): Promise<void>;
  listDeadLetters(options?: { includeReplayed?: boolean }): Promise<DeadLetter[]>;
  /** The event log's `event.accepted` rows, oldest first. */
  eventLog(): Promise<MeshEventRow[]>;
  /**
   * True when subscribers get every extension as a string: the kafka broker's records are
   * binary mode, as the Knative Kafka broker writes them (its event log keeps the types).
   */
  readonly extensionsAsStrings?: boolean;
  /** Replays a dead letter into this broker. */
  replayDeadLetter(id: string): Promise<DeadLetter | undefined>;
  /** Stops the broker and releases what the harness opened. */
  close(): Promise<void>;
}

export type CreateBrokerHarness = (setup: BrokerHarnessSetup) => Promise<BrokerHarness>;
