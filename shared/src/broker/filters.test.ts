import type { MeshEvent } from "@mesh-six/events";
import { describe, expect, it } from "vitest";
import type { SubscriptionsApiFilter, Trigger } from "../function/knative-types.ts";
import { compileTriggerFilter, validateTrigger } from "./filters.ts";

const event: MeshEvent = {
  specversion: "1.0",
  id: "e-1",
  source: "/mesh-six/orchestrator",
  type: "dev.meshsix.task.dispatched",
  subject: "task-42",
  datacontenttype: "application/json",
  meshagent: "architect",
  priority: 5,
  data: { meshagent: "not an attribute" },
};

function trigger(spec: Partial<Trigger["spec"]> = {}, annotations?: Record<string, string>): Trigger {
  return {
    apiVersion: "eventing.knative.dev/v1",
    kind: "Trigger",
    metadata: { name: "architect-tasks", namespace: "mesh-six", ...(annotations ? { annotations } : {}) },
    spec: {
      broker: "default",
      subscriber: { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "architect" } },
      ...spec,
    },
  };
}

const matches = (spec: Partial<Trigger["spec"]>) => compileTriggerFilter(trigger(spec))(event);
const filters = (...items: SubscriptionsApiFilter[]) => matches({ filters: items });

describe("Trigger filters", () => {
  it("passes every event without a filter", () => {
    expect(matches({})).toBe(true);
  });

  it("matches filter.attributes exactly, extensions included, an empty value matching anything", () => {
    expect(
      matches({ filter: { attributes: { type: "dev.meshsix.task.dispatched", meshagent: "architect" } } }),
    ).toBe(true);
    expect(matches({ filter: { attributes: { meshagent: "researcher" } } })).toBe(false);
    expect(matches({ filter: { attributes: { type: "dev.meshsix.task" } } })).toBe(false);
    expect(matches({ filter: { attributes: { priority: "5" } } })).toBe(true);
    expect(matches({ filter: { attributes: { meshagent: "", missing: "" } } })).toBe(true);
    expect(matches({ filter: { attributes: { missing: "x" } } })).toBe(false);
    expect(matches({ filter: { attributes: { data: "" } } })).toBe(true);
  });

  it("supports exact, prefix and suffix on context attributes and extensions", () => {
    expect(filters({ exact: { subject: "task-42" } })).toBe(true);
    expect(filters({ exact: { subject: "task-4" } })).toBe(false);
    expect(filters({ prefix: { type: "dev.meshsix.task." } })).toBe(true);
    expect(filters({ prefix: { type: "dev.meshsix.project." } })).toBe(false);
    expect(filters({ suffix: { type: ".dispatched" } })).toBe(true);
    expect(filters({ suffix: { meshagent: "tect" } })).toBe(true);
    expect(filters({ suffix: { missing: "tect" } })).toBe(false);
    expect(filters({ exact: { type: "dev.meshsix.task.dispatched", meshagent: "researcher" } })).toBe(false);
  });

  it("combines with all, any and not; items are ANDed", () => {
    const isTask = { prefix: { type: "dev.meshsix.task." } };
    const forResearcher = { exact: { meshagent: "researcher" } };
    expect(filters({ all: [isTask, { not: forResearcher }] })).toBe(true);
    expect(filters({ any: [forResearcher, { suffix: { source: "/orchestrator" } }] })).toBe(true);
    expect(filters({ any: [forResearcher, { exact: { subject: "nope" } }] })).toBe(false);
    expect(filters({ not: isTask })).toBe(false);
    expect(filters(isTask, forResearcher)).toBe(false);
    expect(filters(isTask, { not: forResearcher })).toBe(true);
  });

  it("uses filters instead of filter.attributes when both are given", () => {
    expect(
      matches({
        filter: { attributes: { meshagent: "researcher" } },
        filters: [{ exact: { meshagent: "architect" } }],
      }),
    ).toBe(true);
    expect(
      matches({
        filter: { attributes: { meshagent: "architect" } },
        filters: [{ exact: { meshagent: "researcher" } }],
      }),
    ).toBe(false);
    expect(matches({ filter: { attributes: { meshagent: "researcher" } }, filters: [] })).toBe(false);
  });
});

describe("validateTrigger", () => {
  it("accepts a valid Trigger", () => {
    const valid = trigger(
      {
        filter: { attributes: { type: "dev.meshsix.task.dispatched", meshagent: "" } },
        filters: [{ all: [{ prefix: { type: "dev." } }, { not: { exact: { a1: "x", b: "y" } } }] }],
        delivery: {
          retry: 3,
          backoffPolicy: "linear",
          backoffDelay: "PT0.5S",
          timeout: "PT30S",
          deadLetterSink: { uri: "http://dead-letter.mesh-six.svc.cluster.local" },
        },
      },
      { "kafka.eventing.knative.dev/delivery.order": "ordered" },
    );
    expect(validateTrigger(valid)).toEqual([]);
  });

  it("lists every problem with its field", () => {
    const invalid = {
      ...trigger(
        {
          filter: { attributes: { Type: "x", "0abc": "y" } },
          filters: [
            { exact: { type: "a" }, prefix: { type: "b" } },
            { cesql: "type = 'x'" },
            { regex: { type: ".*" } },
            {},
            { prefix: { type: "" } },
            { suffix: {} },
            { any: [] },
            { not: { all: [{ exact: { "bad-name": "x" } }] } },
          ] as unknown as SubscriptionsApiFilter[],
          delivery: {
            retry: -1,
            backoffPolicy: "fibonacci",
            backoffDelay: "1s",
            timeout: "PT0S",
            deadLetterSink: { ref: { apiVersion: "v1", kind: "Service", name: "" } },
          } as never,
          subscriber: {},
        },
        { "kafka.eventing.knative.dev/delivery.order": "sorted" },
      ),
    };
    const problems = validateTrigger(invalid);
    const expected = [
      "metadata.annotations[kafka.eventing.knative.dev/delivery.order]",
      "spec.filter.attributes.Type: invalid attribute name",
      "spec.filter.attributes.0abc: invalid attribute name",
      "spec.filters[0]: has exact and prefix",
      "spec.filters[1].cesql: CESQL filters are not supported",
      "spec.filters[2].regex: unknown filter dialect",
      "spec.filters[3]: has no dialect",
      "spec.filters[4].prefix.type: the value is empty",
      "spec.filters[5].suffix: names no attribute",
      "spec.filters[6].any: must be a non-empty list",
      "spec.filters[7].not.all[0].exact.bad-name: invalid attribute name",
      "spec.subscriber: give a ref (apiVersion, kind, name) or a uri",
      "spec.delivery.retry: -1",
      'spec.delivery.backoffPolicy: "fibonacci"',
      'spec.delivery.backoffDelay: "1s" is not an ISO-8601 duration',
      "spec.delivery.timeout: PT0S must be longer than zero",
      "spec.delivery.deadLetterSink.ref.name: missing",
    ];
    for (const start of expected) {
      expect(
        problems.some((problem) => problem.startsWith(start)),
        `${start}\n${problems.join("\n")}`,
      ).toBe(true);
    }
    expect(problems).toHaveLength(expected.length);
  });

  it("refuses negative backoff delays and a relative uri without a ref", () => {
    const problems = validateTrigger(
      trigger({ subscriber: { uri: "/path" }, delivery: { backoffDelay: "-PT1S" } }),
    );
    expect(problems).toEqual([
      'spec.subscriber.uri: "/path" is not an absolute URL (e.g. http://host/path)',
      "spec.delivery.backoffDelay: -PT1S is negative; give a delay of 0 or more",
    ]);
  });
});
