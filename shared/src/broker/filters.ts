import type { MeshEvent } from "@mesh-six/events";
import type { SubscriptionsApiFilter, Trigger } from "../function/knative-types.ts";
import { attributeValue } from "./attributes.ts";

export { validateTrigger } from "./validate-trigger.ts";

export type EventPredicate = (event: MeshEvent) => boolean;

const always: EventPredicate = () => true;

/**
 * The Trigger's filter as the Kafka broker dispatcher applies it: `spec.filters` when it is
 * non-empty (the items ANDed), else `spec.filter.attributes` (exact match, an empty value
 * matching anything), else every event. Compile validated Triggers only (`validateTrigger`).
 */
export function compileTriggerFilter(trigger: Trigger): EventPredicate {
  const { filters, filter } = trigger.spec;
  if (filters && filters.length > 0) return all(filters.map(compileFilter));
  if (filter?.attributes) return compareEach(filter.attributes, (given, wanted) => given === wanted);
  return always;
}

/** One SubscriptionsAPI filter item: exactly one of exact, prefix, suffix, all, any, not. */
export function compileFilter(filter: SubscriptionsApiFilter): EventPredicate {
  if ("exact" in filter) return compareEach(filter.exact, (given, wanted) => given === wanted);
  if ("prefix" in filter) return compareEach(filter.prefix, (given, wanted) => given.startsWith(wanted));
  if ("suffix" in filter) return compareEach(filter.suffix, (given, wanted) => given.endsWith(wanted));
  if ("all" in filter) return all(filter.all.map(compileFilter));
  if ("any" in filter) return any(filter.any.map(compileFilter));
  if ("not" in filter) {
    const inner = compileFilter(filter.not);
    return (event) => !inner(event);
  }
  throw new Error(`unknown filter dialect in ${JSON.stringify(filter)}; validate the Trigger first`);
}

/**
 * Every attribute must match; an attribute the event lacks compares as "" (so it never
 * matches a non-empty value) and an empty wanted value matches anything, as in the Kafka
 * broker's attribute filters.
 */
function compareEach(
  attributes: Readonly<Record<string, string>>,
  matches: (given: string, wanted: string) => boolean,
): EventPredicate {
  const entries = Object.entries(attributes).filter(([, wanted]) => wanted !== "");
  return (event) => entries.every(([name, wanted]) => matches(attributeValue(event, name) ?? "", wanted));
}

function all(predicates: readonly EventPredicate[]): EventPredicate {
  return (event) => predicates.every((predicate) => predicate(event));
}

function any(predicates: readonly EventPredicate[]): EventPredicate {
  return (event) => predicates.some((predicate) => predicate(event));
}
