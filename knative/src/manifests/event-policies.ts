import { PingFired } from "@mesh-six/events";
import { outsideTypesOf } from "@mesh-six/shared/broker/event-policy";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import type { SubscriptionsApiFilter } from "@mesh-six/shared/function/knative-types";
import { type DeploymentSettings, partOf, type Resource } from "./settings.ts";
import { pingSources } from "./sources.ts";

export const eventPolicyApiVersion = "eventing.knative.dev/v1alpha1";

/**
 * Who may send what to the Broker (Knative Eventing authorization; needs the
 * `authentication-oidc` feature, see docs/deploy.md). Policies are ORed: an event passes
 * when a policy lists its sender and its filters let it through.
 * - `mesh-six-functions`: the fleet's functions, identified by their SinkBindings' OIDC
 *   identities, send anything (follow-ups; the gateway replays dead letters of any type);
 * - `mesh-six-schedules`: the PingSources send only `dev.knative.sources.ping`;
 * - `mesh-six-outside`: any other authenticated sender sends only the catalog's
 *   `fromOutside` types (task requests, approval decisions, and those the fleet's runs wait
 *   for), so a forged result or dispatch is refused (403).
 */
export function eventPolicies(
  fleet: readonly FunctionDefinition[],
  settings: DeploymentSettings,
): Resource[] {
  const policy = (name: string, from: readonly unknown[], filters?: SubscriptionsApiFilter[]): Resource => ({
    apiVersion: eventPolicyApiVersion,
    kind: "EventPolicy",
    metadata: { name, namespace: settings.namespace, labels: { ...partOf } },
    spec: {
      to: [{ ref: { apiVersion: "eventing.knative.dev/v1", kind: "Broker", name: settings.broker } }],
      from,
      ...(filters ? { filters } : {}),
    },
  });
  const sorted = [...fleet].sort((a, b) => a.name.localeCompare(b.name));
  const functions = sorted.map((definition) => ({
    ref: {
      apiVersion: "sources.knative.dev/v1",
      kind: "SinkBinding",
      name: `${definition.name}-sink`,
      namespace: settings.namespace,
    },
  }));
  const schedules = sorted
    .flatMap((definition) => pingSources(definition, settings))
    .map((source) => ({
      ref: {
        apiVersion: source.apiVersion,
        kind: source.kind,
        name: source.metadata.name,
        namespace: settings.namespace,
      },
    }));
  const outside = outsideTypesOf(fleet).map((type) => ({ exact: { type } }));
  return [
    policy("mesh-six-functions", functions),
    ...(schedules.length > 0
      ? [policy("mesh-six-schedules", schedules, [{ exact: { type: PingFired.type } }])]
      : []),
    ...(outside.length > 0
      ? [policy("mesh-six-outside", [{ sub: "*" }], outside.length === 1 ? outside : [{ any: outside }])]
      : []),
  ];
}
