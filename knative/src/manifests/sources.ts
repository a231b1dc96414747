import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { brokerRef, type DeploymentSettings, functionLabels, type Resource } from "./settings.ts";

/**
 * One PingSource per schedule, `<function>-<schedule>`, sending to the broker: the event
 * is `dev.knative.sources.ping` from `/apis/v1/namespaces/<ns>/pingsources/<name>`, which
 * the function's Trigger picks out by source.
 */
export function pingSources(definition: FunctionDefinition, settings: DeploymentSettings): Resource[] {
  return (definition.schedules ?? []).map((schedule) => ({
    apiVersion: "sources.knative.dev/v1",
    kind: "PingSource",
    metadata: {
      name: `${definition.name}-${schedule.name}`,
      namespace: settings.namespace,
      labels: functionLabels(definition.name),
    },
    spec: {
      schedule: schedule.schedule,
      ...(schedule.timezone === undefined ? {} : { timezone: schedule.timezone }),
      ...(schedule.data === undefined
        ? {}
        : { contentType: "application/json", data: JSON.stringify(schedule.data) }),
      sink: brokerRef(settings),
    },
  }));
}

/** Gives the function's Service `K_SINK`, the broker's ingress URL, for its follow-ups. */
export function sinkBinding(definition: FunctionDefinition, settings: DeploymentSettings): Resource {
  return {
    apiVersion: "sources.knative.dev/v1",
    kind: "SinkBinding",
    metadata: {
      name: `${definition.name}-sink`,
      namespace: settings.namespace,
      labels: functionLabels(definition.name),
    },
    spec: {
      subject: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: definition.name },
      sink: brokerRef(settings),
    },
  };
}
