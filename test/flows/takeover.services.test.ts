import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultClaimLeaseMs } from "@mesh-six/shared/broker/embedded-broker";
import { createPostgresDb } from "@mesh-six/shared/db/postgres";
import type { Db } from "@mesh-six/shared/ports/db";
import { createServiceDatabase, type ServiceDatabase, serviceEnv, until } from "@mesh-six/testing/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CrashHeld, crashTables } from "../support/crash-functions.ts";
import { type CrashHost, sendEvent, startCrashHost } from "../support/crash-process.ts";

interface Claim {
  readonly claimedBy: string | null;
  readonly claimedUntil: number | null;
  readonly status: string;
}

/**
 * Two hosts (processes) dispatching from one PostgreSQL database: one dies (SIGKILL) in
 * the middle of a delivery whose Trigger allows ten minutes; the other takes the delivery
 * over once the dead one's claim lease runs out, seconds later, not after the timeout.
 */
describe("a delivery claimed by a host that dies, with another host on the same database", () => {
  let database: ServiceDatabase;
  let db: Db;
  const directories: string[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    database = await createServiceDatabase(serviceEnv("MESH_TEST_POSTGRES_URL"), "takeover");
    db = createPostgresDb({ url: database.url, max: 2 });
    await db.exec(crashTables);
  });
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await db?.close();
    await database?.drop();
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  });

  const start = (crash?: `hold:${string}`) => {
    const dataDir = mkdtempSync(join(tmpdir(), "mesh-takeover-"));
    directories.push(dataDir);
    return startCrashHost({ databaseUrl: database.url, dataDir, ...(crash ? { crash } : {}) }, children);
  };
  const claimOf = async (id: string): Promise<Claim> => {
    const { rows } = await db.query<{
      claimed_by: string | null;
      claimed_until: string | null;
      status: string;
    }>(
      `SELECT d.claimed_by, d.claimed_until, d.status FROM broker_deliveries d
         JOIN broker_events e ON e.seq = d.seq WHERE e.event->>'id' = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) throw new Error(`no delivery of ${id}`);
    return {
      claimedBy: row.claimed_by,
      claimedUntil: row.claimed_until === null ? null : Number(row.claimed_until),
      status: row.status,
    };
  };
  const effectsOf = async (id: string) =>
    (await db.query<{ pid: number }>("SELECT pid FROM crash_effects WHERE event_id = $1", [id])).rows;

  let holder: CrashHost;
  let taker: CrashHost;

  it("leaves the delivery to the host running it, whose lease keeps being renewed", async () => {
    holder = await start("hold:h-1");
    expect((await sendEvent(holder, CrashHeld.type, "h-1", { n: 1 })).status).toBe(202);
    await until("the first host to be holding h-1", () => holder.output().includes("holding h-1"));
    taker = await start();
    const first = await claimOf("h-1");
    expect(first.claimedBy).toMatch(/#/);
    // a renewal moves the lease on while the other host looks every 0.2 s and leaves it alone
    await until(
      "the first host to renew its claim",
      async () => ((await claimOf("h-1")).claimedUntil ?? 0) > (first.claimedUntil ?? 0),
      { everyMs: 100, attempts: 200 },
    );
    expect((await claimOf("h-1")).claimedBy).toBe(first.claimedBy);
    expect(await effectsOf("h-1")).toEqual([]);
  });

  it("lets the other host take it over within seconds of the first one's death", async () => {
    holder.child.kill("SIGKILL");
    expect(await holder.exited).toBe(137);
    const killedAt = Date.now();
    await until("the second host to have handled h-1", async () => (await effectsOf("h-1")).length > 0, {
      everyMs: 50,
      attempts: 1_200,
    });
    const takeOverMs = Date.now() - killedAt;
    // one lease (5 s) plus the other host's 0.2 s look; before leases it was the Trigger's
    // 600 s timeout plus a 30 s margin
    process.stdout.write(`take-over after SIGKILL: ${takeOverMs} ms (lease ${defaultClaimLeaseMs} ms)\n`);
    expect(takeOverMs).toBeLessThan(defaultClaimLeaseMs + 5_000);
    expect(await effectsOf("h-1")).toEqual([{ pid: taker.child.pid }]);
    await until("h-1 delivered", async () => (await claimOf("h-1")).status === "delivered");
    expect(await claimOf("h-1")).toMatchObject({ claimedBy: null, status: "delivered" });
  }, 90_000);
});
