import { validateFilters } from "@mesh-six/shared/broker/validate-trigger";
import { z } from "zod";
import type { Resource } from "../manifests/settings.ts";

/**
 * The EventPolicy CRD's schema (eventing.knative.dev/v1alpha1, Knative 1.16+, which added
 * `spec.filters`), strict so a misspelt field is reported rather than pruned by the API
 * server. No published model exists for it, so it lives here.
 */
const reference = z.strictObject({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
});
const labelSelector = z.strictObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z
    .array(z.strictObject({ key: z.string(), operator: z.string(), values: z.array(z.string()).optional() }))
    .optional(),
});
const schema = z.strictObject({
  apiVersion: z.literal("eventing.knative.dev/v1alpha1"),
  kind: z.literal("EventPolicy"),
  metadata: z.object({ name: z.string(), namespace: z.string().optional() }).loose(),
  spec: z.strictObject({
    to: z
      .array(
        z.strictObject({
          ref: reference.omit({ namespace: true }).optional(),
          selector: labelSelector.optional(),
        }),
      )
      .optional(),
    from: z.array(z.strictObject({ ref: reference.optional(), sub: z.string().optional() })).optional(),
    filters: z.array(z.unknown()).optional(),
  }),
});

type EventPolicy = z.output<typeof schema>;

/** What the CRD's schema rejects. */
export function eventPolicySchemaProblems(resource: Resource): string[] {
  const parsed = schema.safeParse(resource);
  if (parsed.success) return [];
  return parsed.error.issues.map(
    (issue) => `schema: ${issue.path.join(".") || "the resource"}: ${issue.message}`,
  );
}

/**
 * What the Knative webhook rejects (eventpolicy_validation.go): each `from` names a
 * `ref` or a `sub`, not both; `*` only at the end of a `sub`; each `to` a `ref` or a
 * `selector`; references with kind, apiVersion and name; and valid filters. Stricter: a
 * policy with no `from` would let nobody in, and one with no `to` would apply to every
 * resource of the namespace, so both must be given.
 */
export function eventPolicyProblems(resource: Resource): string[] {
  const parsed = schema.safeParse(resource);
  if (!parsed.success) return [];
  const { spec } = parsed.data as EventPolicy;
  const problems: string[] = [];
  if (!spec.from || spec.from.length === 0)
    problems.push("spec.from: empty; the policy would let no sender in");
  if (!spec.to || spec.to.length === 0) {
    problems.push(
      "spec.to: empty; the policy would apply to every resource in the namespace; name the Broker",
    );
  }
  for (const [index, from] of (spec.from ?? []).entries()) {
    const at = `spec.from[${index}]`;
    if (!from.ref && !from.sub) problems.push(`${at}: give a ref or a sub`);
    if (from.ref && from.sub !== undefined) problems.push(`${at}: give a ref or a sub, not both`);
    if (from.sub !== undefined && from.sub.length > 1 && from.sub.slice(0, -1).includes("*")) {
      problems.push(`${at}.sub: ${JSON.stringify(from.sub)}: '*' is only allowed as suffix`);
    }
    if (from.ref) problems.push(...referenceFieldProblems(`${at}.ref`, from.ref));
  }
  for (const [index, to] of (spec.to ?? []).entries()) {
    const at = `spec.to[${index}]`;
    if (!to.ref && !to.selector) problems.push(`${at}: give a ref or a selector`);
    if (to.ref && to.selector) problems.push(`${at}: give a ref or a selector, not both`);
    if (to.ref) problems.push(...referenceFieldProblems(`${at}.ref`, to.ref));
  }
  if (spec.filters !== undefined) problems.push(...validateFilters("spec.filters", spec.filters));
  return problems;
}

function referenceFieldProblems(
  path: string,
  ref: { apiVersion: string; kind: string; name: string },
): string[] {
  return (["kind", "apiVersion", "name"] as const)
    .filter((field) => ref[field] === "")
    .map((field) => `${path}.${field}: missing`);
}
