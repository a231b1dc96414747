import {
  type MeshEvent,
  PingFired,
  TaskCompleted,
  TaskDispatched,
  TaskFailed,
  TaskRequested,
} from "@mesh-six/events";
import { encodeBinary } from "@mesh-six/shared/broker/http-binding";
import { triggersFor } from "@mesh-six/shared/broker/triggers";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import type { SubscriptionsApiFilter } from "@mesh-six/shared/function/knative-types";
import { signMessage } from "@mesh-six/shared/host/event-signature";

const question = { query: "What does Knative Eventing add to Kubernetes?" };

/** Valid data for each event type a function may subscribe to. */
const samples: Readonly<Record<string, () => unknown>> = {
  [TaskRequested.type]: () => ({ capability: "general-query", payload: question }),
  [TaskDispatched.type]: () => ({
    taskId: "bundle-task",
    capability: "general-query",
    agentId: "general-agent",
    attempt: 1,
    payload: question,
    priority: 5,
    deadline: new Date(Date.now() + 600_000).toISOString(),
  }),
  [TaskCompleted.type]: () => ({
    taskId: "bundle-task",
    agentId: "general-agent",
    attempt: 1,
    result: {},
    durationMs: 5,
  }),
  [TaskFailed.type]: () => ({
    taskId: "bundle-task",
    agentId: "general-agent",
    attempt: 1,
    error: { type: "api_error", message: "sample" },
    durationMs: 5,
  }),
  [PingFired.type]: () => undefined,
};

/** The attributes an event needs to pass a filter item (exact values taken, prefixes and suffixes padded). */
function attributesFor(filter: SubscriptionsApiFilter, into: Record<string, string>): void {
  if ("exact" in filter) Object.assign(into, filter.exact);
  else if ("prefix" in filter)
    for (const [name, value] of Object.entries(filter.prefix)) into[name] = `${value}sample`;
  else if ("suffix" in filter)
    for (const [name, value] of Object.entries(filter.suffix)) into[name] = `/sample${value}`;
  else if ("all" in filter) for (const inner of filter.all) attributesFor(inner, into);
  else if ("any" in filter && filter.any[0]) attributesFor(filter.any[0], into);
}

/**
 * An event the function's first subscription lets through, with valid data; for a
 * function without subscriptions (the dead-letter sink) a task request carrying the
 * dead-letter extensions. Undefined for functions without a handler.
 */
export function sampleEventFor(definition: FunctionDefinition): MeshEvent | undefined {
  if (!definition.handler) return undefined;
  const [trigger] = triggersFor(definition, { namespace: "mesh-six", broker: "default" });
  const attributes: Record<string, string> = { type: TaskRequested.type };
  if (trigger) {
    Object.assign(attributes, trigger.spec.filter?.attributes ?? {});
    for (const filter of trigger.spec.filters ?? []) attributesFor(filter, attributes);
  } else {
    Object.assign(attributes, {
      knativeerrordest: "http://orchestrator.mesh-six.svc.cluster.local",
      knativeerrorcode: "500",
    });
  }
  const sample = samples[attributes.type ?? ""];
  if (!sample) {
    throw new Error(
      `no sample data for ${attributes.type} (function ${definition.name} subscribes to it); add one to knative/src/testing/samples.ts`,
    );
  }
  const data = sample();
  return {
    specversion: "1.0",
    id: `bundle-${definition.name}-${crypto.randomUUID()}`,
    source: "/mesh-six/bundle-test",
    time: new Date().toISOString(),
    ...attributes,
    ...(data === undefined ? {} : { datacontenttype: "application/json", data }),
  } as MeshEvent;
}

/**
 * The secrets a function started from its bundle needs (Knative gives them from Secrets):
 * the key mesh functions sign events with, and an API key for the gateway.
 */
export const testSecrets = {
  MESH_EVENT_KEY: "bundle-test-event-key-0123456789abcdef",
  MESH_API_KEYS: "bundle-test:bundle-test-api-key-0123456789:read+write+admin",
} as const;

/**
 * POSTs `event` in binary mode, as the Kafka broker's dispatcher does: signed with
 * `testSecrets.MESH_EVENT_KEY` as a mesh function signs what it sends, unless `signed` is false.
 */
export function deliver(url: string, event: MeshEvent, options = { signed: true }): Promise<Response> {
  const encoded = encodeBinary(event);
  const { headers, body } = options.signed ? signMessage(testSecrets.MESH_EVENT_KEY, encoded) : encoded;
  return fetch(url, { method: "POST", headers, ...(body === undefined ? {} : { body }) });
}
