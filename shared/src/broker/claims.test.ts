import type { MeshEvent } from "@mesh-six/events";
import { migrate } from "@mesh-six/sql";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPgliteDb } from "../db/pglite.ts";
import { silentLogger } from "../log/logger.ts";
import type { Db } from "../ports/db.ts";
import { brokerName, namespace, trigger } from "./contract/world.ts";
import { createEmbeddedBroker, type EmbeddedBroker } from "./embedded-broker.ts";
import { waitUntilIdle } from "./embedded-idle.ts";
import { createSteppingClock, type SteppingClock } from "./stepping-clock.ts";
import type { Subscriber } from "./types.ts";

// Several embedded brokers dispatching from one database, as embedded hosts sharing a
// Postgres server do. Here they share one in-process PGlite and run in one process; the
// PostgreSQL server case is test/flows/concurrency.services.test.ts.

const work = trigger("work", { delivery: { timeout: "PT10S" } });
const claimMarginMs = 5_000;

function job(id: string): MeshEvent {
  return { specversion: "1.0", id, source: "/claims", type: "dev.meshsix.test.work", data: { id } };
}

let db: Db;
const brokers: EmbeddedBroker[] = [];
const releases: (() => void)[] = [];
beforeEach(async () => {
  db = await createPgliteDb();
  await migrate(db);
});
afterEach(async () => {
  for (const release of releases.splice(0)) release();
  for (const broker of brokers.splice(0)) await broker.stop();
  await db.close();
});

function sharedBroker(clock: SteppingClock, subscriber: Subscriber): EmbeddedBroker {
  const broker = createEmbeddedBroker({
    db,
    namespace,
    name: brokerName,
    triggers: [work],
    resolve: () => subscriber,
    clock,
    logger: silentLogger,
    shared: true,
    claimMarginMs,
  });
  brokers.push(broker);
  return broker;
}

const deliveries = () =>
  db.query<{ id: string; status: string; attempts: number; claimed: boolean }>(
    `SELECT e.event->>'id' AS id, d.status, d.attempts, d.claimed_by IS NOT NULL AS claimed
       FROM broker_deliveries d JOIN broker_events e ON e.seq = d.seq ORDER BY d.seq`,
  );

describe("embedded brokers sharing one database", () => {
  it("attempt each delivery once between them", async () => {
    const clock = createSteppingClock();
    const calls: string[] = [];
    const subscriber: Subscriber = async (event) => {
      calls.push(event.id);
      return { status: 202 };
    };
    const first = sharedBroker(clock, subscriber);
    const second = sharedBroker(clock, subscriber);
    await Promise.all([first.start(), second.start()]);
    const ids = Array.from({ length: 20 }, (_, index) => `job-${index + 1}`);
    await Promise.all(ids.map((id, index) => (index % 2 === 0 ? first : second).publish(job(id))));
    // the other broker finds what one published when it next looks (every second)
    await clock.advance(2_000, async () => {
      await waitUntilIdle(first);
      await waitUntilIdle(second);
    });
    expect([...calls].sort()).toEqual([...ids].sort());
    const { rows } = await deliveries();
    expect(rows.every((row) => row.status === "delivered" && row.attempts === 1 && !row.claimed)).toBe(true);
  });

  it("leave a delivery to the one that claimed it until its claim runs out, then another takes it", async () => {
    // The first broker's clock never moves and its subscriber never answers: a process
    // that stopped in the middle of a delivery, its claim still on the row.
    const stoppedClock = createSteppingClock();
    const liveClock = createSteppingClock();
    const calls: string[] = [];
    const stuck = sharedBroker(stoppedClock, async (event) => {
      calls.push(`stuck ${event.id}`);
      await new Promise<void>((resolve) => releases.push(resolve));
      return { status: 202 };
    });
    await stuck.start();
    await stuck.publish(job("job-1"));
    await waitUntilIdle(stuck, () => 1);
    expect(calls).toEqual(["stuck job-1"]);
    expect((await deliveries()).rows).toEqual([
      { id: "job-1", status: "pending", attempts: 0, claimed: true },
    ]);

    const live = sharedBroker(liveClock, async (event) => {
      calls.push(`live ${event.id}`);
      return { status: 202 };
    });
    await live.start();
    const settle = () => waitUntilIdle(live);
    // the claim lasts the Trigger's delivery timeout (10 s) plus the margin
    await liveClock.advance(10_000 + claimMarginMs - 1, settle);
    expect(calls).toEqual(["stuck job-1"]);
    await liveClock.advance(1, settle);
    expect(calls).toEqual(["stuck job-1", "live job-1"]);
    expect((await deliveries()).rows).toEqual([
      { id: "job-1", status: "delivered", attempts: 1, claimed: false },
    ]);
  });
});
