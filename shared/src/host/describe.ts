import type { FunctionDefinition } from "../function/define.ts";
import type { Trigger } from "../function/knative-types.ts";

/** Where the function's Broker is, for the commands the description suggests. */
export interface BrokerPlacement {
  readonly namespace: string;
  readonly broker: string;
}

/** One Trigger of the function, as a person reads it. */
export interface TakenEvents {
  readonly trigger: string;
  /** The Trigger's filter: exact attributes, or its SubscriptionsAPI filters. */
  readonly filter: unknown;
  readonly from: string;
}

/** What a function is, what it takes and how to send it something: the body of `GET /` and of a 400 for what it cannot take. */
export interface FunctionDescription {
  readonly function: string;
  readonly description: string;
  readonly events: readonly TakenEvents[];
  readonly http?: readonly string[];
  readonly try: readonly string[];
}

const example = { capability: "general-query", payload: { query: "What is 2+2?" } };

/**
 * Describes a function as deployed, for whoever reaches its Service without a mesh event
 * (`kn func invoke`'s default `boson.fn` event or plain HTTP POST, a browser): its
 * Triggers with who may send each (outside senders, mesh functions only, Knative), its
 * HTTP paths, and commands that send it real work.
 */
export function describeFunction(
  definition: FunctionDefinition,
  triggers: readonly Trigger[],
  unsigned: ReadonlySet<string>,
  placement: BrokerPlacement,
): FunctionDescription {
  const events = triggers.map((trigger) => {
    const attributes = trigger.spec.filter?.attributes;
    const filter =
      trigger.spec.filters && trigger.spec.filters.length > 0 ? trigger.spec.filters : attributes;
    const type = typeOf(trigger);
    const from =
      type === undefined
        ? "any sender its filter lets through"
        : type.startsWith("dev.knative.")
          ? "Knative (a PingSource)"
          : unsigned.has(type)
            ? "anyone: outside senders may publish it (kn event send, kn func invoke)"
            : "mesh functions only: signed with the mesh's MESH_EVENT_KEY, delivered by the Broker";
    return { trigger: trigger.metadata.name, filter: filter ?? {}, from };
  });
  const direct = triggers.map(typeOf).find((type) => type !== undefined && unsigned.has(type));
  const json = JSON.stringify(example);
  const tries = [
    `kn event send --to Broker:eventing.knative.dev/v1:${placement.broker} --namespace ${placement.namespace} --type dev.meshsix.task.requested --field capability=${example.capability} --field payload.query='${example.payload.query}' (the orchestrator routes the task to an agent)`,
    ...(direct
      ? [
          `kn func invoke --format cloudevent --type ${direct} --content-type application/json --data '${direct === "dev.meshsix.task.requested" ? json : "<its JSON data>"}' (straight to this function)`,
        ]
      : []),
  ];
  const paths = definition.http?.paths ?? [];
  return {
    function: definition.name,
    description: definition.description,
    events,
    ...(paths.length > 0 ? { http: paths } : {}),
    try: tries,
  };
}

/** The one event type a Trigger takes, when its filter names one exactly. */
function typeOf(trigger: Trigger): string | undefined {
  const attribute = trigger.spec.filter?.attributes.type;
  if (attribute) return attribute;
  for (const filter of trigger.spec.filters ?? []) {
    if ("exact" in filter && filter.exact.type) return filter.exact.type;
  }
  return undefined;
}
