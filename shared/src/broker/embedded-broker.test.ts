import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate } from "@mesh-six/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgliteDb } from "../db/pglite.ts";
import { readMeshEvents } from "../log/event-log.ts";
import { silentLogger } from "../log/logger.ts";
import type { Db } from "../ports/db.ts";
import { send, startWorld, trigger } from "./contract/world.ts";
import { brokerContract, type CreateBrokerHarness } from "./contract.ts";
import { listDeadLetters, replayDeadLetter } from "./dead-letters.ts";
import { createEmbeddedBroker, type EmbeddedBroker } from "./embedded-broker.ts";
import { waitUntilIdle } from "./embedded-idle.ts";
import { createIngress } from "./ingress.ts";
import { createSteppingClock, type SteppingClock } from "./stepping-clock.ts";
import type { SubscriberResolver } from "./types.ts";

let db: Db;
beforeAll(async () => {
  db = await createPgliteDb();
  await migrate(db);
});
afterAll(() => db.close());

function settler(broker: EmbeddedBroker, parked: () => number) {
  return () => waitUntilIdle(broker, parked);
}

function harnessOn(target: () => Db, clock?: SteppingClock): CreateBrokerHarness {
  return async (setup) => {
    const steps = clock ?? createSteppingClock();
    const broker = createEmbeddedBroker({
      db: target(),
      namespace: setup.namespace,
      name: setup.broker,
      triggers: setup.triggers,
      resolve: setup.resolve,
      clock: steps,
      logger: silentLogger,
    });
    const ingress = createIngress({
      resolveBroker: (namespace, name) =>
        namespace === setup.namespace && name === setup.broker ? broker : undefined,
      logger: silentLogger,
    });
    await broker.start();
    const settle = settler(broker, setup.parkedSubscribers);
    return {
      ingress,
      clock: steps,
      advance: (ms) => steps.advance(ms, settle),
      idle: settle,
      listDeadLetters: (options) => listDeadLetters(target(), options),
      eventLog: () => readMeshEvents(target(), { kind: "event.accepted", limit: 1000 }),
      replayDeadLetter: (id) => replayDeadLetter(target(), id, broker.publish),
      close: async () => {
        await broker.stop();
        await target().exec(
          "TRUNCATE broker_events, broker_deliveries, dead_letters, mesh_events RESTART IDENTITY",
        );
      },
    };
  };
}

brokerContract(
  "embedded (PGlite)",
  harnessOn(() => db),
);

describe("embedded broker", () => {
  it("stores each accepted event in the event log with its delivery", async () => {
    const world = await startWorld(
      harnessOn(() => db),
      [trigger("everything")],
    );
    try {
      await send(world.harness, "logged-1");
      const [row] = await readMeshEvents(db, { kind: "event.accepted" });
      expect(row).toMatchObject({
        eventId: "logged-1",
        source: "/contract",
        event: {
          id: "logged-1",
          datacontenttype: "application/json",
          data: new TextEncoder().encode('{"n":"logged-1"}'),
        },
      });
    } finally {
      await world.harness.close();
    }
  });

  it("refuses invalid Triggers at creation, listing every problem", () => {
    const bad = trigger("bad", { filters: [{ exact: { Type: "" } }], delivery: { backoffDelay: "soon" } });
    const create = () =>
      createEmbeddedBroker({
        db,
        namespace: "contract",
        name: "default",
        triggers: [
          bad,
          trigger("elsewhere"),
          { ...trigger("elsewhere"), spec: { ...trigger("x").spec, broker: "other" } },
        ],
        resolve: () => async () => ({ status: 200 }),
        clock: createSteppingClock(),
        logger: silentLogger,
      });
    expect(create).toThrow(/Trigger bad: spec\.filters\[0\]\.exact\.Type: invalid attribute name/);
    expect(create).toThrow(/Trigger bad: spec\.filters\[0\]\.exact\.Type: the value is empty/);
    expect(create).toThrow(/Trigger bad: spec\.delivery\.backoffDelay: "soon" is not an ISO-8601 duration/);
    expect(create).toThrow(/Trigger elsewhere: spec\.broker: other is not this broker/);
    expect(create).toThrow(/Trigger elsewhere: metadata\.name: another Trigger has this name/);
  });

  it("refuses with 400 an event Postgres cannot store (U+0000 in an attribute or in JSON data), keeps it in other data", async () => {
    const world = await startWorld(
      harnessOn(() => db),
      [trigger("everything")],
    );
    const post = (headers: Record<string, string>, body: string) =>
      world.harness.ingress(
        new Request("http://broker.test/contract/default", {
          method: "POST",
          headers: { "ce-specversion": "1.0", "ce-source": "/s", "ce-type": "t", ...headers },
          body,
        }),
      );
    try {
      const inSubject = await post({ "ce-id": "1", "ce-subject": "a%00b" }, "");
      expect(inSubject.status).toBe(400);
      expect(((await inSubject.json()) as { error: string }).error).toContain(
        "subject contains the character U+0000",
      );
      const inJson = await post({ "ce-id": "2", "content-type": "application/json" }, '{"a":"\\u0000"}');
      expect(inJson.status).toBe(400);
      expect(((await inJson.json()) as { error: string }).error).toContain("\\u0000 (NUL)");
      expect((await post({ "ce-id": "3", "content-type": "text/plain" }, "a\u0000b")).status).toBe(202);
      await world.harness.idle();
      expect(world.subscriber("everything").received.map((received) => received.event.data)).toEqual([
        new TextEncoder().encode("a\u0000b"),
      ]);
    } finally {
      await world.harness.close();
    }
  });

  it("answers 413 for an event over the size limit", async () => {
    const broker = createEmbeddedBroker({
      db,
      namespace: "contract",
      name: "default",
      triggers: [],
      resolve: () => async () => ({ status: 200 }),
      clock: createSteppingClock(),
      logger: silentLogger,
    });
    const ingress = createIngress({ resolveBroker: () => broker, logger: silentLogger, maxBodyBytes: 10 });
    const response = await ingress(
      new Request("http://broker.test/contract/default", {
        method: "POST",
        headers: { "ce-specversion": "1.0", "ce-id": "1", "ce-source": "/s", "ce-type": "t" },
        body: "01234567890",
      }),
    );
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toContain("over the 10-byte limit");
  });

  it("answers 503 when the event cannot be stored", async () => {
    const own = await createPgliteDb();
    await migrate(own);
    const world = await startWorld(
      harnessOn(() => own),
      [trigger("everything")],
    );
    await own.close();
    const response = await world.harness.ingress(
      new Request("http://broker.test/contract/default", {
        method: "POST",
        headers: { "ce-specversion": "1.0", "ce-id": "1", "ce-source": "/s", "ce-type": "t" },
      }),
    );
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toContain("could not be stored");
    await world.harness.close().catch(() => {});
  });

  it("records a delivery dead, once, when its dead letter can never be stored, instead of attempting it forever", async () => {
    const own = await createPgliteDb();
    await migrate(own);
    // a dead letter Postgres refuses on every attempt (as an index entry over its limit did)
    await own.exec(
      "ALTER TABLE dead_letters ADD CONSTRAINT refuse_one CHECK (event ->> 'id' <> 'unstorable')",
    );
    const world = await startWorld(
      harnessOn(() => own),
      [trigger("refusing", { delivery: { retry: 3, backoffDelay: "PT1S" } })],
      { refusing: () => ({ status: 400, body: "no" }) },
    );
    try {
      await send(world.harness, "unstorable");
      await world.harness.idle();
      await world.harness.advance(3_600_000);
      expect(world.ids("refusing")).toEqual(["unstorable"]);
      const { rows } = await own.query<{ status: string; attempts: number; last_error: string }>(
        "SELECT status, attempts, last_error FROM broker_deliveries",
      );
      expect(rows).toEqual([
        {
          status: "dead",
          attempts: 1,
          last_error: expect.stringContaining("the dead letter cannot be stored"),
        },
      ]);
      expect(rows[0]?.last_error).toContain("refuse_one");
    } finally {
      await world.harness.close();
      await own.close();
    }
  });

  it("keeps accepted events and pending retries across a restart", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "mesh-six-broker-"));
    const clock = createSteppingClock();
    const calls: { id: string; at: number }[] = [];
    const resolve: SubscriberResolver = () => async (event) => {
      calls.push({ id: event.id, at: clock.now() });
      return event.id === "retried" && calls.length === 1 ? { status: 503 } : { status: 202 };
    };
    const triggers = [trigger("durable", { delivery: { retry: 1, backoffDelay: "PT1S" } })];
    const open = async () => {
      const opened = await createPgliteDb({ dataDir });
      await migrate(opened);
      const broker = createEmbeddedBroker({
        db: opened,
        namespace: "contract",
        name: "default",
        triggers,
        resolve,
        clock,
        logger: silentLogger,
      });
      return { db: opened, broker, settle: settler(broker, () => 0) };
    };
    try {
      const start = clock.now();
      const first = await open();
      await first.broker.start();
      await first.broker.publish({ specversion: "1.0", id: "retried", source: "/s", type: "t" });
      await first.settle();
      expect(calls).toEqual([{ id: "retried", at: start }]);
      await first.broker.stop();
      // accepted while no dispatcher runs: stored, not delivered
      await first.broker.publish({
        specversion: "1.0",
        id: "waiting",
        source: "/s",
        type: "t",
        data: "kept",
      });
      await first.db.close();

      const second = await open();
      await second.broker.start();
      await second.settle();
      expect(calls.map((call) => call.id)).toEqual(["retried", "waiting"]);
      await clock.advance(2000, second.settle);
      expect(calls).toEqual([
        { id: "retried", at: start },
        { id: "waiting", at: start },
        { id: "retried", at: start + 2000 },
      ]);
      await second.broker.stop();
      await second.db.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
