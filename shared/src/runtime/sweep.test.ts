import { type MeshEvent, TaskProgress, TaskRequested } from "@mesh-six/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createManualClock } from "../clock.ts";
import { defineFunction } from "../function/define.ts";
import type { Db } from "../ports/db.ts";
import { count, createTestDb, runtimeUnderTest } from "./test-fixture.ts";

function requested(): MeshEvent {
  return TaskRequested.create({ source: "/mesh-six/gateway", data: { capability: "general-query" } });
}

/** Writes a row and emits two follow-ups in one commit; counts how often it ran. */
function recorder(name: string) {
  const runs = { count: 0 };
  const definition = defineFunction({
    name,
    description: "records each event once",
    handler: (event, ctx) => {
      runs.count += 1;
      return ctx.commit(async (tx) => {
        await tx.query("INSERT INTO effects (function_name, event_id) VALUES ($1, $2)", [name, event.id]);
        return [
          ctx.emit(TaskProgress, { taskId: event.id, agentId: name, message: "one" }),
          ctx.emit(TaskProgress, { taskId: event.id, agentId: name, message: "two" }),
        ];
      });
    },
  });
  return { definition, runs };
}

describe("outbox after a crash between commit and publish", () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb();
    await db.exec("CREATE TABLE effects (function_name text NOT NULL, event_id text NOT NULL)");
  });
  afterAll(() => db.close());

  const storedIds = async (name: string) =>
    (
      await db.query<{ event_id: string }>(
        "SELECT event_id FROM outbox WHERE function_name = $1 ORDER BY id",
        [name],
      )
    ).rows.map((row) => row.event_id);
  const unpublished = (name: string) =>
    count(db, "SELECT count(*) FROM outbox WHERE function_name = $1 AND published_at IS NULL", [name]);

  it("acknowledges when the publish fails, and a redelivery publishes the stored ids without running again", async () => {
    const { definition, runs } = recorder("crashy");
    const clock = createManualClock();
    const before = runtimeUnderTest(db, definition, { clock });
    before.setBrokerDown(true);
    const event = requested();
    expect(await before.deliver(event)).toEqual({ status: 200 });
    expect(before.published).toEqual([]);
    expect(await unpublished("crashy")).toBe(2);
    expect(before.lines.map((line) => line.msg)).toContain(
      "publishing follow-ups failed; they are stored and the outbox sweep will publish them",
    );

    // the process is gone; a new one gets the event again
    const after = runtimeUnderTest(db, definition, { clock });
    expect(await after.deliver(event)).toEqual({ status: 200 });
    expect(runs.count).toBe(1);
    expect(await count(db, "SELECT count(*) FROM effects WHERE function_name = 'crashy'")).toBe(1);
    expect(after.published.map((published) => published.id)).toEqual(await storedIds("crashy"));
    expect(after.published.map((published) => published.data)).toEqual([
      expect.objectContaining({ message: "one" }),
      expect.objectContaining({ message: "two" }),
    ]);
    expect(await unpublished("crashy")).toBe(0);
  });

  it("sweeps rows older than the threshold, with the stored ids, once", async () => {
    const { definition } = recorder("swept");
    const host = runtimeUnderTest(db, definition);
    host.setBrokerDown(true);
    await host.deliver(requested());
    await host.deliver(requested());
    host.setBrokerDown(false);
    expect(await host.runtime.sweepOutbox({ olderThanMs: 60_000 })).toBe(0);
    await host.clock.advance(60_000);
    expect(await host.runtime.sweepOutbox({ olderThanMs: 60_000 })).toBe(4);
    expect(host.published.map((published) => published.id)).toEqual(await storedIds("swept"));
    expect(await host.runtime.sweepOutbox({ olderThanMs: 60_000 })).toBe(0);
    expect(host.published).toHaveLength(4);
    expect(host.lines.at(-1)).toMatchObject({ msg: "outbox sweep republished events", count: 4 });
  });

  it("lets several processes sweep at once without publishing a row twice", async () => {
    const { definition } = recorder("crowded");
    const clock = createManualClock();
    const first = runtimeUnderTest(db, definition, { clock });
    first.setBrokerDown(true);
    for (let index = 0; index < 5; index += 1) await first.deliver(requested());
    const sweepers = [1, 2, 3].map(() => runtimeUnderTest(db, definition, { clock }));
    const counts = await Promise.all(
      sweepers.map((sweeper) => sweeper.runtime.sweepOutbox({ olderThanMs: 0, limit: 2 })),
    );
    expect(counts.reduce((sum, value) => sum + value, 0)).toBe(10);
    const ids = sweepers.flatMap((sweeper) => sweeper.published.map((published) => published.id));
    expect(new Set(ids).size).toBe(10);
    expect([...ids].sort()).toEqual([...(await storedIds("crowded"))].sort());
  });

  it("stops at a failed publish and leaves the rest for the next sweep", async () => {
    const { definition } = recorder("stubborn");
    const host = runtimeUnderTest(db, definition);
    host.setBrokerDown(true);
    await host.deliver(requested());
    expect(await host.runtime.sweepOutbox({ olderThanMs: 0 })).toBe(0);
    expect(host.lines.at(-1)).toMatchObject({ level: "warn", error: "broker unavailable" });
    host.setBrokerDown(false);
    expect(await host.runtime.sweepOutbox({ olderThanMs: 0 })).toBe(2);
  });

  it("leaves rows a live publisher holds until its lease runs out", async () => {
    const { definition } = recorder("leased");
    const host = runtimeUnderTest(db, definition);
    host.setBrokerDown(true);
    await host.deliver(requested());
    host.setBrokerDown(false);
    // another process claimed them a moment ago and is publishing (or died doing so)
    await db.query("UPDATE outbox SET claimed_until = $1 WHERE function_name = 'leased'", [
      host.clock.now() + 60_000,
    ]);
    expect(await host.runtime.sweepOutbox({ olderThanMs: 0 })).toBe(0);
    await host.clock.advance(60_000);
    expect(await host.runtime.sweepOutbox({ olderThanMs: 0 })).toBe(2);
  });

  it("sweeps only its own function's rows", async () => {
    const mine = recorder("mine");
    const theirs = recorder("theirs");
    const host = runtimeUnderTest(db, mine.definition);
    const other = runtimeUnderTest(db, theirs.definition, { clock: host.clock });
    other.setBrokerDown(true);
    await other.deliver(requested());
    expect(await host.runtime.sweepOutbox({ olderThanMs: 0 })).toBe(0);
    expect(await unpublished("theirs")).toBe(2);
  });
});
