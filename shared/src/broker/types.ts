import type { MeshEvent } from "@mesh-six/events";
import type { Trigger } from "../function/knative-types.ts";

/** What a subscriber answered to one delivery attempt (HTTP status semantics). */
export interface SubscriberResponse {
  readonly status: number;
  /** A CloudEvent in the response: a reply, published back into the broker. */
  readonly reply?: MeshEvent;
  /** The response body (for `knativeerrordata` on a dead letter), when there is one. */
  readonly body?: Uint8Array;
}

/** Delivers one event to one subscriber: an in-process function call or a binary-mode POST. */
export type Subscriber = (
  event: MeshEvent,
  options: { readonly signal: AbortSignal },
) => Promise<SubscriberResponse>;

/** Resolves a Trigger's `spec.subscriber` (or dead-letter sink) to something that can be called. */
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
