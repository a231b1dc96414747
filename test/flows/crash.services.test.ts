import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPostgresDb } from "@mesh-six/shared/db/postgres";
import type { Db } from "@mesh-six/shared/ports/db";
import { createServiceDatabase, type ServiceDatabase, serviceEnv, until } from "@mesh-six/testing/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CrashCounted, CrashEchoed, type CrashPoint, crashTables } from "../support/crash-functions.ts";
import { type CrashHost, isGone, sendEvent, startCrashHost } from "../support/crash-process.ts";

/** Sent events: accepted (202), or unknown when the process died before answering. */
const accepted = new Set<string>();
const unanswered = new Set<string>();

describe("a host killed mid-handler (SIGKILL) on the PostgreSQL server", () => {
  let database: ServiceDatabase;
  let db: Db;
  let directory: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    database = await createServiceDatabase(serviceEnv("MESH_TEST_POSTGRES_URL"), "crash");
    db = createPostgresDb({ url: database.url, max: 2 });
    await db.exec(crashTables);
    directory = mkdtempSync(join(tmpdir(), "mesh-crash-"));
  });
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await db?.close();
    await database?.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  /** Starts the host process (the fleet plus the crash functions) and waits for its ready line. */
  const start = (crash?: `${CrashPoint}:${string}`) =>
    startCrashHost({ databaseUrl: database.url, dataDir: directory, ...(crash ? { crash } : {}) }, children);

  /** POSTs one event to the host's broker ingress, as `kn event send` would. */
  const send = async (host: CrashHost, id: string, n: number) => {
    try {
      const response = await sendEvent(host, CrashCounted.type, id, { n });
      expect(response.status).toBe(202);
      accepted.add(id);
    } catch (error) {
      // the process died while this request was open: stored or not, we cannot know
      if (!isGone(host)) throw error;
      unanswered.add(id);
    }
  };
  const sendAll = async (host: CrashHost, ids: readonly string[]) => {
    for (const [index, id] of ids.entries()) await send(host, id, index);
  };

  /** Who holds a claim on the delivery of event `id` to the crash counter, if anyone. */
  const claimantOf = async (id: string) => {
    const { rows } = await db.query<{ claimed_by: string | null }>(
      `SELECT d.claimed_by FROM broker_deliveries d JOIN broker_events e ON e.seq = d.seq
        WHERE e.event->>'id' = $1 AND d.trigger_name = 'crash-counter-counted'`,
      [id],
    );
    return rows[0]?.claimed_by ?? null;
  };
  let heldClaim: string | null = null;

  it("is killed by the test while a handler holds an event", async () => {
    const host = await start("hold:a-3");
    await sendAll(host, ["a-1", "a-2", "a-3", "a-4", "a-5"]);
    await until("the handler of a-3 to be holding", () => host.output().includes("holding a-3"));
    heldClaim = await claimantOf("a-3");
    host.child.kill("SIGKILL");
    expect(await host.exited).toBe(137);
    expect([...accepted]).toEqual(["a-1", "a-2", "a-3", "a-4", "a-5"]);
    expect(heldClaim).toMatch(/#/);
  });

  it("takes the killed run's claims back when it starts again on the same data folder", async () => {
    // the claim may already have run out (the lease is 5 s, a-3's delivery timeout 2 s):
    // only check what the restart leaves, not how long the claim lasted
    const host = await start("hold:a-3");
    expect(await claimantOf("a-3")).not.toBe(heldClaim);
    await until("the handler of a-3 to be holding again", () => host.output().includes("holding a-3"));
    host.child.kill("SIGKILL");
    expect(await host.exited).toBe(137);
  });

  it("kills itself right after a handler committed, before its follow-up is published", async () => {
    const host = await start("after-commit:b-3");
    await sendAll(host, ["b-1", "b-2", "b-3"]);
    expect(await host.exited).toBe(137);
    const { rows } = await db.query("SELECT 1 FROM crash_effects WHERE event_id = 'b-3'");
    expect(rows).toHaveLength(1);
  });

  it("kills itself inside a handler before it commits", async () => {
    const host = await start("before-commit:c-2");
    await sendAll(host, ["c-1", "c-2"]);
    expect(await host.exited).toBe(137);
    const { rows } = await db.query("SELECT 1 FROM crash_effects WHERE event_id = 'c-2'");
    expect(rows).toHaveLength(0);
  });

  const task = { capability: "general-query", payload: { query: "What is 2+2?" }, requestedBy: "e-1" };
  const postTask = (host: CrashHost) =>
    fetch(`http://127.0.0.1:${host.port}/tasks`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": "crash-e-1" },
      body: JSON.stringify(task),
    });
  const requestedTasks = () =>
    db.query<{ id: string; status: string; unpublished: boolean }>(
      `SELECT t.id, t.status, EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = t.id AND o.published_at IS NULL) AS unpublished
         FROM tasks t WHERE t.requested_by = 'e-1'`,
    );

  it("kills itself after POST /tasks committed a task, before its task.requested is published", async () => {
    const host = await start("before-publish:e-1");
    // the client never hears back: the process died with the request open
    await expect(postTask(host)).rejects.toThrow();
    expect(await host.exited).toBe(137);
    const { rows } = await requestedTasks();
    expect(rows).toEqual([{ id: expect.any(String), status: "requested", unpublished: true }]);
  });

  it("applies every accepted event's effect exactly once after a restart", async () => {
    const host = await start();
    await sendAll(host, ["d-1", "d-2"]);
    // the client of the lost POST /tasks retries with its key and gets the task the crash left
    const retried = await postTask(host);
    expect(retried.status).toBe(202);
    expect(retried.headers.get("idempotent-replayed")).toBe("true");
    const [left] = (await requestedTasks()).rows;
    expect(((await retried.json()) as { taskId: string }).taskId).toBe(left!.id);
    const sent = [...accepted, ...unanswered];
    // Every accepted event counted and echoed, and nothing left to deliver. A follow-up a
    // killed process had claimed for publishing waits out the outbox's 60 s claim first.
    await until(
      "every accepted event handled and its follow-up recorded",
      async () => {
        const { rows } = await db.query<{ effects: number; echoes: number; pending: number }>(
          `SELECT (SELECT count(DISTINCT event_id)::int FROM crash_effects WHERE event_id = ANY($1)) AS effects,
                (SELECT count(DISTINCT event_id)::int FROM crash_echoes WHERE event_id = ANY($1)) AS echoes,
                (SELECT count(*)::int FROM broker_deliveries d JOIN broker_events e ON e.seq = d.seq
                  WHERE d.status = 'pending' AND e.event->>'type' IN ($2, $3)) AS pending`,
          [[...accepted], CrashCounted.type, CrashEchoed.type],
        );
        const row = rows[0]!;
        const [requested] = (await requestedTasks()).rows;
        return (
          row.effects === accepted.size &&
          row.echoes === accepted.size &&
          row.pending === 0 &&
          requested?.status === "succeeded"
        );
      },
      { everyMs: 100, attempts: 1_500 },
    );
    host.child.kill("SIGTERM");
    expect(await host.exited).toBe(0);

    const effects = await db.query<{ event_id: string; count: number }>(
      "SELECT event_id, count(*)::int AS count FROM crash_effects GROUP BY 1 ORDER BY 1",
    );
    const echoes = await db.query<{ event_id: string; count: number }>(
      "SELECT event_id, count(*)::int AS count FROM crash_echoes GROUP BY 1 ORDER BY 1",
    );
    // each accepted event exactly once; an unanswered one at most once; nothing else
    for (const result of [effects, echoes]) {
      expect(result.rows.every((row) => row.count === 1)).toBe(true);
      const ids = result.rows.map((row) => row.event_id);
      expect(ids.filter((id) => accepted.has(id)).sort()).toEqual([...accepted].sort());
      expect(ids.every((id) => sent.includes(id))).toBe(true);
    }
    // the task the crash left, published by the outbox sweep, once, and answered
    expect((await requestedTasks()).rows).toEqual([
      { id: expect.any(String), status: "succeeded", unpublished: false },
    ]);
    const requests = await db.query(
      "SELECT 1 FROM broker_events WHERE event->>'type' = 'dev.meshsix.task.requested' AND convert_from(data, 'UTF8')::jsonb->>'requestedBy' = 'e-1'",
    );
    expect(requests.rows).toHaveLength(1);
    const total = await db.query<{ n: number }>("SELECT n FROM crash_total");
    expect(total.rows).toEqual([{ n: effects.rows.length }]);
    // the handlers that were killed ran in processes that are gone: their effects are the restarted ones'
    const killed = await db.query("SELECT 1 FROM crash_effects WHERE event_id IN ('a-3', 'c-2')");
    expect(killed.rows).toHaveLength(2);
  }, 200_000);
});
