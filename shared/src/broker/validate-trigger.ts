import { deliveryOrderAnnotation, type Trigger } from "../function/knative-types.ts";
import { filterAttributeNamePattern } from "./attributes.ts";
import { validateDelivery, validateDestination } from "./validate-delivery.ts";

const dialects = ["exact", "prefix", "suffix", "all", "any", "not"] as const;
const objectName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Every problem with a Trigger, each naming the field and how to fix it; empty when it is
 * valid. Mirrors the Knative webhook (trigger_validation.go, DeliverySpec.Validate) and is
 * stricter where Knative would silently skip or misread a filter: empty exact/prefix/suffix
 * values, empty `all`/`any` lists, items without a dialect, negative durations.
 */
export function validateTrigger(trigger: Trigger): string[] {
  const problems: string[] = [];
  const { metadata, spec } = (trigger ?? {}) as Partial<Trigger>;
  const name = metadata?.name;
  if (typeof name !== "string" || name.length > 253 || !objectName.test(name)) {
    problems.push(
      `metadata.name: ${JSON.stringify(name)} is not a Kubernetes object name (lowercase a-z, 0-9, "-")`,
    );
  }
  if (typeof metadata?.namespace !== "string" || !objectName.test(metadata.namespace)) {
    problems.push(`metadata.namespace: ${JSON.stringify(metadata?.namespace)} is not a namespace name`);
  }
  const order = metadata?.annotations?.[deliveryOrderAnnotation];
  if (order !== undefined && order !== "ordered" && order !== "unordered") {
    problems.push(
      `metadata.annotations[${deliveryOrderAnnotation}]: ${JSON.stringify(order)} must be "ordered" or "unordered"`,
    );
  }
  if (!spec || typeof spec !== "object") return [...problems, "spec: missing; a Trigger needs a spec"];
  if (typeof spec.broker !== "string" || spec.broker === "") {
    problems.push("spec.broker: missing; name the Broker the Trigger subscribes to");
  }
  if (spec.filter !== undefined) {
    problems.push(
      ...attributeProblems("spec.filter.attributes", spec.filter?.attributes, { allowEmptyValues: true }),
    );
  }
  if (spec.filters !== undefined) problems.push(...validateFilters("spec.filters", spec.filters));
  problems.push(...validateDestination("spec.subscriber", spec.subscriber));
  if (spec.delivery !== undefined) problems.push(...validateDelivery("spec.delivery", spec.delivery));
  return problems;
}

/** Problems with a list of SubscriptionsAPI filters (a Trigger's or an EventPolicy's `spec.filters`). */
export function validateFilters(path: string, filters: unknown): string[] {
  if (!Array.isArray(filters)) return [`${path}: must be a list of filter items`];
  return filters.flatMap((item, index) => filterProblems(`${path}[${index}]`, item));
}

function filterProblems(path: string, item: unknown): string[] {
  if (!item || typeof item !== "object" || Array.isArray(item)) {
    return [`${path}: must be an object with one of ${dialects.join(", ")}`];
  }
  const keys = Object.keys(item);
  const unknown = keys.filter((key) => !(dialects as readonly string[]).includes(key));
  const problems = unknown.map((key) =>
    key === "cesql"
      ? `${path}.cesql: CESQL filters are not supported by mesh-six; express it with ${dialects.join(", ")}`
      : `${path}.${key}: unknown filter dialect; use one of ${dialects.join(", ")}`,
  );
  const used = keys.filter((key) => (dialects as readonly string[]).includes(key));
  if (used.length === 0 && unknown.length === 0) {
    problems.push(`${path}: has no dialect; give exactly one of ${dialects.join(", ")}`);
  }
  if (used.length > 1) {
    problems.push(
      `${path}: has ${used.join(" and ")}; a filter item has exactly one dialect (put each in its own item: items are ANDed)`,
    );
  }
  const record = item as Record<string, unknown>;
  for (const dialect of used) {
    const value = record[dialect];
    const at = `${path}.${dialect}`;
    if (dialect === "exact" || dialect === "prefix" || dialect === "suffix") {
      problems.push(...attributeProblems(at, value, { allowEmptyValues: false, atLeastOne: true }));
    } else if (dialect === "not") {
      problems.push(...filterProblems(at, value));
    } else if (!Array.isArray(value) || value.length === 0) {
      problems.push(`${at}: must be a non-empty list of filter items`);
    } else {
      value.forEach((inner, index) => {
        problems.push(...filterProblems(`${at}[${index}]`, inner));
      });
    }
  }
  return problems;
}

function attributeProblems(
  path: string,
  attributes: unknown,
  options: { readonly allowEmptyValues: boolean; readonly atLeastOne?: boolean },
): string[] {
  if (!attributes || typeof attributes !== "object" || Array.isArray(attributes)) {
    return [`${path}: must be a map of attribute name to value`];
  }
  const entries = Object.entries(attributes);
  const problems: string[] = [];
  if (options.atLeastOne && entries.length === 0)
    problems.push(`${path}: names no attribute; give at least one`);
  for (const [name, value] of entries) {
    if (!filterAttributeNamePattern.test(name)) {
      problems.push(
        `${path}.${name}: invalid attribute name; it must start with a letter and hold only lowercase letters and digits`,
      );
    }
    if (typeof value !== "string") problems.push(`${path}.${name}: the value must be a string`);
    else if (value === "" && !options.allowEmptyValues) {
      problems.push(
        `${path}.${name}: the value is empty; give the text to match (Knative would ignore this filter)`,
      );
    }
  }
  return problems;
}
