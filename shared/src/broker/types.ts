import type { MeshEvent } from "@mesh-six/events";
import type { Trigger } from "../function/knative-types.ts";

/** What a subscriber answered to one delivery attempt (HTTP status semantics). */
export interface SubscriberResponse {
  readonly status: number;
  /** A CloudEvent in the response: a reply, published back into the broker. */
  readonly reply?: MeshEvent;
  /** The response body (for `knativeerrordata` on a dead letter), when there is one. */
  readonly body?: Uint8Array;
  /**
   * Why a 2xx response with a body is not a usable CloudEvent reply; the delivery then
   * fails, as in Knative (a 2xx response must be empty or a CloudEvent).
   */
  readonly replyError?: string;
  /** Response headers, names lowercased; `kne-<name>` ones become extensions of a dead letter. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Delivers one event to one subscriber: an in-process function call or a binary-mode POST. */
export type Subscriber = (
  event: MeshEvent,
  options: { readonly signal: AbortSignal },
) => Promise<SubscriberResponse>;

/**
 * Resolves a Trigger's `spec.subscriber` to something that can be called. For the
 * dead-letter sink the broker passes the Trigger with `spec.subscriber` set to
 * `spec.delivery.deadLetterSink` (and no delivery policy).
 */
export type SubscriberResolver = (trigger: Trigger) => Subscriber;

/** The broker as the hosts and the ingress see it. */
export interface Broker {
  readonly namespace: string;
  readonly name: string;
  /** Stores the event durably, then resolves; rejects when it cannot be stored (→ 503). */
  publish(event: MeshEvent): Promise<void>;
  /** Starts delivering. */
  start(): Promise<void>;
  /** Stops taking new deliveries and waits for those in flight; what is left resumes on next start. */
  stop(): Promise<void>;
}
