import type { MeshEvent } from "@mesh-six/events";
import type { DeliverySpec, SubscriptionsApiFilter, Trigger } from "../../function/knative-types.ts";
import { deliveryOrderAnnotation } from "../../function/knative-types.ts";
import type { Subscriber, SubscriberResponse } from "../types.ts";
import type { BrokerHarness, CreateBrokerHarness } from "./harness.ts";

export const namespace = "contract";
export const brokerName = "default";
export const ingressUrl = `http://broker.test/${namespace}/${brokerName}`;

/** What a test subscriber answers to one call (`attempt` counts from 1 per event id). */
export interface Answer {
  readonly status?: number;
  readonly reply?: MeshEvent;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long on the harness clock before answering (aborted with the attempt). */
  readonly delayMs?: number;
}

export type Behaviour = (event: MeshEvent, attempt: number) => Answer;

export interface Received {
  readonly event: MeshEvent;
  readonly at: number;
}

export interface TestSubscriber {
  readonly received: Received[];
  /** Most calls in flight at once. */
  readonly maxConcurrent: number;
}

export interface TriggerOptions {
  readonly filter?: Readonly<Record<string, string>>;
  readonly filters?: readonly SubscriptionsApiFilter[];
  readonly delivery?: DeliverySpec;
  readonly ordered?: boolean;
  /** The subscriber's name; the Trigger's name when omitted. */
  readonly subscriber?: string;
}

export function trigger(name: string, options: TriggerOptions = {}): Trigger {
  return {
    apiVersion: "eventing.knative.dev/v1",
    kind: "Trigger",
    metadata: {
      name,
      namespace,
      ...(options.ordered ? { annotations: { [deliveryOrderAnnotation]: "ordered" } } : {}),
    },
    spec: {
      broker: brokerName,
      ...(options.filter ? { filter: { attributes: options.filter } } : {}),
      ...(options.filters ? { filters: options.filters } : {}),
      subscriber: service(options.subscriber ?? name),
      ...(options.delivery ? { delivery: options.delivery } : {}),
    },
  };
}

export function service(name: string) {
  return { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name } };
}

export interface World {
  readonly harness: BrokerHarness;
  subscriber(name: string): TestSubscriber;
  /** Received event ids of a subscriber, in arrival order. */
  ids(name: string): string[];
  /** Arrival times of a subscriber, relative to `start`. */
  times(name: string, start: number): number[];
}

/**
 * Starts a harness with the given Triggers; each subscriber (by Service name or uri)
 * behaves as told, answering 202 by default.
 */
export async function startWorld(
  create: CreateBrokerHarness,
  triggers: readonly Trigger[],
  behaviours: Readonly<Record<string, Behaviour>> = {},
): Promise<World> {
  const subscribers = new Map<string, TestSubscriber & { concurrent: number; maxConcurrent: number }>();
  const attempts = new Map<string, number>();
  let parked = 0;
  let harness: BrokerHarness | undefined;
  const entry = (name: string) => {
    let found = subscribers.get(name);
    if (!found) {
      found = { received: [], concurrent: 0, maxConcurrent: 0 };
      subscribers.set(name, found);
    }
    return found;
  };
  const make =
    (name: string): Subscriber =>
    async (event, { signal }) => {
      const state = entry(name);
      const key = `${name}\n${event.id}`;
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      state.received.push({ event, at: harness!.clock.now() });
      state.concurrent++;
      state.maxConcurrent = Math.max(state.maxConcurrent, state.concurrent);
      try {
        const answer = behaviours[name]?.(event, attempt) ?? {};
        if (answer.delayMs !== undefined) {
          parked++;
          try {
            await harness!.clock.sleep(answer.delayMs, signal);
          } finally {
            parked--;
          }
        }
        return toResponse(answer);
      } finally {
        state.concurrent--;
      }
    };
  harness = await create({
    namespace,
    broker: brokerName,
    triggers,
    resolve: (target) => make(target.spec.subscriber.ref?.name ?? target.spec.subscriber.uri ?? "unnamed"),
    parkedSubscribers: () => parked,
  });
  return {
    harness,
    subscriber: entry,
    ids: (name) => entry(name).received.map((received) => received.event.id),
    times: (name, start) => entry(name).received.map((received) => received.at - start),
  };
}

function toResponse(answer: Answer): SubscriberResponse {
  return {
    status: answer.status ?? 202,
    ...(answer.reply ? { reply: answer.reply } : {}),
    ...(answer.body === undefined ? {} : { body: new TextEncoder().encode(answer.body) }),
    ...(answer.headers ? { headers: answer.headers } : {}),
  };
}

/** POSTs to the harness ingress. */
export function post(
  harness: BrokerHarness,
  headers: Record<string, string>,
  body?: string | Uint8Array,
  options: { readonly method?: string; readonly url?: string } = {},
): Promise<Response> {
  return harness.ingress(
    new Request(options.url ?? ingressUrl, {
      method: options.method ?? "POST",
      headers,
      ...(body === undefined ? {} : { body }),
    }),
  );
}

/** POSTs a binary-mode event with JSON data, as `kn event send` does. */
export async function send(
  harness: BrokerHarness,
  id: string,
  attributes: Record<string, string> = {},
  data: unknown = { n: id },
): Promise<void> {
  const response = await post(
    harness,
    {
      "ce-specversion": "1.0",
      "ce-id": id,
      "ce-source": "/contract",
      "ce-type": "dev.meshsix.contract.sent",
      ...Object.fromEntries(Object.entries(attributes).map(([name, value]) => [`ce-${name}`, value])),
      "content-type": "application/json",
    },
    JSON.stringify(data),
  );
  if (response.status !== 202)
    throw new Error(`ingress answered ${response.status}: ${await response.text()}`);
}
