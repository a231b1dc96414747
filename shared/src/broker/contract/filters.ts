import { describe, expect, it } from "vitest";
import type { CreateBrokerHarness } from "./harness.ts";
import { send, startWorld, trigger } from "./world.ts";

/** Events posted in each filter test: id → attributes. */
const events: Record<string, Record<string, string>> = {
  dispatched: { type: "dev.meshsix.task.dispatched", meshagent: "architect", subject: "task-1" },
  "dispatched-other": { type: "dev.meshsix.task.dispatched", meshagent: "researcher" },
  completed: { type: "dev.meshsix.task.completed", subject: "task-1" },
  project: { type: "dev.meshsix.project.created", meshagent: "" },
};

export function filtersContract(create: CreateBrokerHarness): void {
  describe("filters", () => {
    it("routes by filter.attributes as Knative does: exact, extensions, an empty value matching anything", async () => {
      const world = await startWorld(create, [
        trigger("by-type", { filter: { type: "dev.meshsix.task.dispatched" } }),
        trigger("by-agent", { filter: { type: "dev.meshsix.task.dispatched", meshagent: "architect" } }),
        trigger("any-agent", { filter: { meshagent: "" } }),
        trigger("any-subject", { filter: { subject: "" } }),
        trigger("missing", { filter: { meshagent: "nobody" } }),
        trigger("everything"),
      ]);
      try {
        for (const [id, attributes] of Object.entries(events)) await send(world.harness, id, attributes);
        await world.harness.idle();
        const sorted = (name: string) => world.ids(name).sort();
        expect(sorted("by-type")).toEqual(["dispatched", "dispatched-other"]);
        expect(sorted("by-agent")).toEqual(["dispatched"]);
        expect(sorted("any-agent")).toEqual(["completed", "dispatched", "dispatched-other", "project"]);
        expect(sorted("any-subject")).toEqual(["completed", "dispatched", "dispatched-other", "project"]);
        expect(sorted("missing")).toEqual([]);
        expect(sorted("everything")).toEqual(["completed", "dispatched", "dispatched-other", "project"]);
      } finally {
        await world.harness.close();
      }
    });

    it("routes by exact, prefix, suffix, all, any and not, items ANDed, filters winning over filter", async () => {
      const world = await startWorld(create, [
        trigger("exact", { filters: [{ exact: { meshagent: "architect" } }] }),
        trigger("prefix", { filters: [{ prefix: { type: "dev.meshsix.task." } }] }),
        trigger("suffix", { filters: [{ suffix: { type: ".created" } }] }),
        trigger("all", {
          filters: [{ all: [{ prefix: { type: "dev.meshsix.task." } }, { exact: { subject: "task-1" } }] }],
        }),
        trigger("any", {
          filters: [{ any: [{ suffix: { type: ".completed" } }, { exact: { meshagent: "researcher" } }] }],
        }),
        trigger("not", { filters: [{ not: { prefix: { type: "dev.meshsix.task." } } }] }),
        trigger("anded", {
          filters: [{ prefix: { type: "dev.meshsix.task." } }, { not: { exact: { subject: "task-1" } } }],
        }),
        trigger("precedence", {
          filter: { meshagent: "researcher" },
          filters: [{ exact: { meshagent: "architect" } }],
        }),
      ]);
      try {
        for (const [id, attributes] of Object.entries(events)) await send(world.harness, id, attributes);
        await world.harness.idle();
        const sorted = (name: string) => world.ids(name).sort();
        expect(sorted("exact")).toEqual(["dispatched"]);
        expect(sorted("prefix")).toEqual(["completed", "dispatched", "dispatched-other"]);
        expect(sorted("suffix")).toEqual(["project"]);
        expect(sorted("all")).toEqual(["completed", "dispatched"]);
        expect(sorted("any")).toEqual(["completed", "dispatched-other"]);
        expect(sorted("not")).toEqual(["project"]);
        expect(sorted("anded")).toEqual(["dispatched-other"]);
        expect(sorted("precedence")).toEqual(["dispatched"]);
      } finally {
        await world.harness.close();
      }
    });
  });
}
