import { describe, expect, it } from "vitest";
import type { CreateBrokerHarness } from "./harness.ts";
import { send, startWorld, trigger } from "./world.ts";

export function flowsContract(create: CreateBrokerHarness): void {
  describe("dead letters", () => {
    it("lists a dead letter and replays the original event into the broker", async () => {
      const world = await startWorld(create, [trigger("picky")], {
        picky: (_event, attempt) => (attempt === 1 ? { status: 422, body: "not yet" } : { status: 200 }),
      });
      try {
        await send(world.harness, "e-1", { meshagent: "architect" }, { question: "why?" });
        await world.harness.idle();
        const [deadLetter] = await world.harness.listDeadLetters();
        expect(deadLetter).toMatchObject({ trigger: "picky", errorCode: 422, replayedAt: null });
        const replayed = await world.harness.replayDeadLetter(deadLetter!.id);
        expect(replayed?.replayedAt).not.toBeNull();
        await world.harness.idle();
        const [first, second] = world.subscriber("picky").received.map((received) => received.event);
        expect(second).toEqual(first);
        expect(Object.keys(second ?? {}).filter((name) => name.startsWith("knativeerror"))).toEqual([]);
        expect(await world.harness.listDeadLetters()).toEqual([]);
        expect(await world.harness.listDeadLetters({ includeReplayed: true })).toHaveLength(1);
      } finally {
        await world.harness.close();
      }
    });
  });

  describe("replies", () => {
    it("publishes a subscriber's reply back into the broker", async () => {
      const world = await startWorld(
        create,
        [
          trigger("asker", { filter: { type: "dev.meshsix.contract.sent" } }),
          trigger("listener", { filter: { type: "dev.meshsix.contract.replied" } }),
        ],
        {
          asker: (event) => ({
            status: 200,
            reply: {
              specversion: "1.0",
              id: `reply-to-${event.id}`,
              source: "/asker",
              type: "dev.meshsix.contract.replied",
              datacontenttype: "application/json",
              data: { answer: 42 },
            },
          }),
        },
      );
      try {
        await send(world.harness, "e-1");
        await world.harness.idle();
        expect(world.ids("asker")).toEqual(["e-1"]);
        const [reply] = world.subscriber("listener").received.map((received) => received.event);
        expect(reply).toEqual({
          specversion: "1.0",
          id: "reply-to-e-1",
          source: "/asker",
          type: "dev.meshsix.contract.replied",
          datacontenttype: "application/json",
          data: new TextEncoder().encode('{"answer":42}'),
        });
        expect(await world.harness.listDeadLetters()).toEqual([]);
      } finally {
        await world.harness.close();
      }
    });
  });

  describe("ordering", () => {
    it("delivers an ordered Trigger's events one at a time, in order, through retries", async () => {
      const delivery = { retry: 2, backoffDelay: "PT1S" } as const;
      const world = await startWorld(
        create,
        [trigger("ordered", { ordered: true, delivery }), trigger("unordered", { delivery })],
        {
          ordered: (event, attempt) =>
            event.id === "e-1" && attempt === 1 ? { status: 503 } : { delayMs: 100 },
          unordered: (event, attempt) =>
            event.id === "e-1" && attempt === 1 ? { status: 503 } : { delayMs: 100 },
        },
      );
      try {
        const start = world.harness.clock.now();
        for (const id of ["e-1", "e-2", "e-3", "e-4"]) await send(world.harness, id);
        await world.harness.advance(10_000);
        expect(world.ids("ordered")).toEqual(["e-1", "e-1", "e-2", "e-3", "e-4"]);
        expect(world.times("ordered", start)).toEqual([0, 2000, 2100, 2200, 2300]);
        expect(world.subscriber("ordered").maxConcurrent).toBe(1);
        expect(world.ids("unordered").sort()).toEqual(["e-1", "e-1", "e-2", "e-3", "e-4"]);
        expect(world.subscriber("unordered").maxConcurrent).toBeGreaterThan(1);
      } finally {
        await world.harness.close();
      }
    });

    it("keeps order per partitionkey: one blocked key does not hold up another", async () => {
      const world = await startWorld(
        create,
        [trigger("ordered", { ordered: true, delivery: { retry: 1 } })],
        {
          ordered: (event, attempt) => (event.id === "a-1" && attempt === 1 ? { status: 503 } : {}),
        },
      );
      try {
        for (const [id, key] of [
          ["a-1", "a"],
          ["b-1", "b"],
          ["a-2", "a"],
          ["b-2", "b"],
        ] as const) {
          await send(world.harness, id, { partitionkey: key });
        }
        await world.harness.idle();
        expect(world.ids("ordered")).toEqual(["a-1", "b-1", "b-2"]);
        await world.harness.advance(2000);
        expect(world.ids("ordered")).toEqual(["a-1", "b-1", "b-2", "a-1", "a-2"]);
      } finally {
        await world.harness.close();
      }
    });
  });
}
