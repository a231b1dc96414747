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

// a long delivery timeout: the claim, not the timeout, decides when another dispatcher takes over
const work = trigger("work", { delivery: { timeout: "PT600S" } });
const claimLeaseMs = 5_000;

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

function sharedBroker(clock: SteppingClock, subscriber: Subscriber, dispatcherId?: string): EmbeddedBroker {
  const broker = createEmbeddedBroker({
    db,
    namespace,
    name: brokerName,
    triggers: [work],
    resolve: () => subscriber,
    clock,
    logger: silentLogger,
    shared: true,
    claimLeaseMs,
    ...(dispatcherId ? { dispatcherId } : {}),
  });
  brokers.push(broker);
  return broker;
}

const deliveries = () =>
  db.query<{ id: string; status: string; attempts: number; claimed: boolean }>(
    `SELECT e.event->>'id' AS id, d.status, d.attempts, d.claimed_by IS NOT NULL AS claimed
       FROM broker_deliveries d JOIN broker_events e ON e.seq = d.seq ORDER BY d.seq`,
  );

/** A subscriber that never answers until the test ends: a process stopped mid-delivery. */
const hanging =
  (calls: string[], label: string): Subscriber =>
  async (event) => {
    calls.push(`${label} ${event.id}`);
    await new Promise<void>((resolve) => releases.push(resolve));
    return { status: 202 };
  };

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

  it("take over a crashed dispatcher's delivery one lease after its last renewal", async () => {
    // The first broker's clock never moves and its subscriber never answers: a process
    // that died in the middle of a delivery, its claim still on the row, never renewed.
    const stoppedClock = createSteppingClock();
    const liveClock = createSteppingClock();
    const calls: string[] = [];
    const stuck = sharedBroker(stoppedClock, hanging(calls, "stuck"));
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
    // the claim lasts one lease (5 s), not the Trigger's delivery timeout (600 s)
    await liveClock.advance(claimLeaseMs - 1, settle);
    expect(calls).toEqual(["stuck job-1"]);
    await liveClock.advance(1, settle);
    expect(calls).toEqual(["stuck job-1", "live job-1"]);
    expect((await deliveries()).rows).toEqual([
      { id: "job-1", status: "delivered", attempts: 1, claimed: false },
    ]);
  });

  it("keep a running delivery to its dispatcher, however long it takes, by renewing the claim", async () => {
    const clock = createSteppingClock();
    const calls: string[] = [];
    const busy = sharedBroker(clock, hanging(calls, "busy"));
    await busy.start();
    await busy.publish(job("job-1"));
    await waitUntilIdle(busy, () => 1);
    const other = sharedBroker(clock, async (event) => {
      calls.push(`other ${event.id}`);
      return { status: 202 };
    });
    await other.start();
    // twelve leases later the first one still holds it: its renewals keep the claim alive
    await clock.advance(12 * claimLeaseMs, async () => {
      await waitUntilIdle(busy, () => 1);
      await waitUntilIdle(other);
    });
    expect(calls).toEqual(["busy job-1"]);
    const { rows } = await db.query<{ until: number }>(
      "SELECT claimed_until::float8 AS until FROM broker_deliveries WHERE status = 'pending'",
    );
    expect(rows[0]!.until).toBeGreaterThan(clock.now());
    expect(rows[0]!.until).toBeLessThanOrEqual(clock.now() + claimLeaseMs);
  });

  it("give a restarted dispatcher back its crashed run's claims at start, without waiting for the lease", async () => {
    const stoppedClock = createSteppingClock();
    const liveClock = createSteppingClock();
    const calls: string[] = [];
    const crashed = sharedBroker(stoppedClock, hanging(calls, "crashed"), "host-a");
    await crashed.start();
    await crashed.publish(job("job-1"));
    await waitUntilIdle(crashed, () => 1);
    // another dispatcher (another identity) leaves it alone while the claim lasts…
    const neighbour = sharedBroker(liveClock, async (event) => {
      calls.push(`neighbour ${event.id}`);
      return { status: 202 };
    });
    await neighbour.start();
    await waitUntilIdle(neighbour);
    expect(calls).toEqual(["crashed job-1"]);
    // …but the same host started again takes it back at once, with no time passing
    const restarted = sharedBroker(
      liveClock,
      async (event) => {
        calls.push(`restarted ${event.id}`);
        return { status: 202 };
      },
      "host-a",
    );
    await restarted.start();
    await waitUntilIdle(restarted);
    expect(calls).toEqual(["crashed job-1", "restarted job-1"]);
    expect((await deliveries()).rows).toEqual([
      { id: "job-1", status: "delivered", attempts: 1, claimed: false },
    ]);
  });
});
