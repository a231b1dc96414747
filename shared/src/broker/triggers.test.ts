import { describe, expect, it } from "vitest";
import { defineFunction } from "../function/define.ts";
import { validateTrigger } from "./filters.ts";
import { destinationAddress, triggersFor } from "./triggers.ts";

const placement = { namespace: "mesh-six", broker: "default" };

describe("triggersFor", () => {
  it("makes one valid Trigger per subscription, with delivery, dead-letter sink and order", () => {
    const architect = defineFunction({
      name: "architect",
      description: "test",
      delivery: { retry: 3, backoffDelay: "PT1S" },
      subscriptions: [
        {
          name: "tasks",
          attributes: { type: "dev.meshsix.task.dispatched", meshagent: "architect" },
          order: "ordered",
        },
        {
          name: "reviews",
          filters: [{ prefix: { type: "dev.meshsix.review." } }],
          delivery: { retry: 1, deadLetterSink: { uri: "http://elsewhere/dead" } },
        },
      ],
    });
    const [tasks, reviews] = triggersFor(architect, placement);
    expect(tasks).toEqual({
      apiVersion: "eventing.knative.dev/v1",
      kind: "Trigger",
      metadata: {
        name: "architect-tasks",
        namespace: "mesh-six",
        labels: { "app.kubernetes.io/part-of": "mesh-six", "mesh-six.dev/function": "architect" },
        annotations: { "kafka.eventing.knative.dev/delivery.order": "ordered" },
      },
      spec: {
        broker: "default",
        filter: { attributes: { type: "dev.meshsix.task.dispatched", meshagent: "architect" } },
        subscriber: { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "architect" } },
        delivery: {
          retry: 3,
          backoffDelay: "PT1S",
          deadLetterSink: {
            ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "dead-letter" },
          },
        },
      },
    });
    expect(reviews?.metadata.annotations).toBeUndefined();
    expect(reviews?.spec.filters).toEqual([{ prefix: { type: "dev.meshsix.review." } }]);
    expect(reviews?.spec.delivery).toEqual({ retry: 1, deadLetterSink: { uri: "http://elsewhere/dead" } });
    for (const trigger of [tasks!, reviews!]) expect(validateTrigger(trigger)).toEqual([]);
  });

  it("gives every Trigger a dead-letter sink except the dead-letter function's own", () => {
    const plain = defineFunction({ name: "planner", description: "test", subscriptions: [{ name: "all" }] });
    expect(triggersFor(plain, placement)[0]?.spec.delivery?.deadLetterSink?.ref?.name).toBe("dead-letter");
    const sink = defineFunction({
      name: "dead-letter",
      description: "test",
      subscriptions: [{ name: "all" }],
    });
    expect(triggersFor(sink, placement)[0]?.spec.delivery).toBeUndefined();
    expect(triggersFor(defineFunction({ name: "quiet", description: "test" }), placement)).toEqual([]);
  });
});

describe("destinationAddress", () => {
  it("names a Knative Service by its cluster-local address", () => {
    const ref = { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "architect" };
    expect(destinationAddress({ ref }, "mesh-six")).toBe("http://architect.mesh-six.svc.cluster.local");
    expect(destinationAddress({ ref, uri: "/hook" }, "mesh-six")).toBe(
      "http://architect.mesh-six.svc.cluster.local/hook",
    );
    expect(destinationAddress({ uri: "http://x/y" }, "mesh-six")).toBe("http://x/y");
    expect(destinationAddress({ ref: { ...ref, kind: "Broker", namespace: "other" } }, "mesh-six")).toBe(
      "Broker/other/architect",
    );
  });
});
