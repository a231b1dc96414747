import { findEventType } from "@mesh-six/events";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import type { SubscriptionsApiFilter, Trigger } from "@mesh-six/shared/function/knative-types";

/** Whether a filter lets an event of a type through, knowing nothing of its other attributes. */
type Verdict = "yes" | "no" | "maybe";

function byType(values: Readonly<Record<string, string>>, test: (value: string) => boolean): Verdict {
  const value = values.type;
  if (value !== undefined && !test(value)) return "no";
  return value !== undefined && Object.keys(values).length === 1 ? "yes" : "maybe";
}

function verdict(filter: SubscriptionsApiFilter, type: string): Verdict {
  if ("exact" in filter) return byType(filter.exact, (value) => value === type);
  if ("prefix" in filter) return byType(filter.prefix, (value) => type.startsWith(value));
  if ("suffix" in filter) return byType(filter.suffix, (value) => type.endsWith(value));
  if ("all" in filter) {
    const verdicts = filter.all.map((inner) => verdict(inner, type));
    if (verdicts.includes("no")) return "no";
    return verdicts.every((each) => each === "yes") ? "yes" : "maybe";
  }
  if ("any" in filter) {
    const verdicts = filter.any.map((inner) => verdict(inner, type));
    if (verdicts.includes("yes")) return "yes";
    return verdicts.every((each) => each === "no") ? "no" : "maybe";
  }
  const inner = verdict(filter.not, type);
  return inner === "yes" ? "no" : inner === "no" ? "yes" : "maybe";
}

/** True when the Trigger may deliver an event of `type` (its filters on other attributes may still pass). */
export function mayConsume(trigger: Trigger, type: string): boolean {
  const attributeType = trigger.spec.filter?.attributes.type;
  if (attributeType !== undefined && attributeType !== "" && attributeType !== type) return false;
  return (trigger.spec.filters ?? []).every((filter) => verdict(filter, type) !== "no");
}

/**
 * Every event type a function declares in `emits` must be in the catalog and be consumed
 * by some Trigger of the deployment, or be terminal (an end result callers read).
 */
export function emittedEventProblems(
  fleet: readonly FunctionDefinition[],
  triggers: readonly Trigger[],
): string[] {
  const problems: string[] = [];
  for (const definition of fleet) {
    for (const emitted of definition.emits ?? []) {
      const known = findEventType(emitted.type);
      const where = `function ${definition.name} emits ${emitted.type}`;
      if (!known) {
        problems.push(`${where}, which is not in the event catalog (events/src/catalog.ts); add it there`);
      } else if (!known.terminal && !triggers.some((trigger) => mayConsume(trigger, emitted.type))) {
        problems.push(
          `${where}, but no Trigger consumes it; subscribe a function to it or mark it terminal in its defineEvent`,
        );
      }
    }
  }
  return problems;
}
