import type { MeshEvent } from "@mesh-six/events";
import { migrate } from "@mesh-six/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgliteDb } from "../db/pglite.ts";
import type { Db } from "../ports/db.ts";
import {
  DeadLetterReplayedError,
  getDeadLetter,
  listDeadLetters,
  replayDeadLetter,
  storeDeadLetter,
  withErrorExtensions,
  withoutErrorExtensions,
} from "./dead-letters.ts";

const event = (id: string): MeshEvent => ({
  specversion: "1.0",
  id,
  source: "/test",
  type: "dev.meshsix.test",
  meshagent: "architect",
  datacontenttype: "application/octet-stream",
  data: Uint8Array.of(0, 1, 255),
});

describe("dead letters", () => {
  let db: Db;
  beforeAll(async () => {
    db = await createPgliteDb();
    await migrate(db);
  });
  afterAll(() => db.close());

  it("adds the knativeerror extensions, the body as base64 cut at 1024 bytes", () => {
    const body = new Uint8Array(2000).fill(65);
    const extended = withErrorExtensions(event("x"), { destination: "http://architect", status: 503, body });
    expect(extended).toMatchObject({ knativeerrordest: "http://architect", knativeerrorcode: "503" });
    expect(Buffer.from(String(extended.knativeerrordata), "base64")).toHaveLength(1024);
    const timedOut = withErrorExtensions(event("x"), { destination: "http://architect" });
    expect(timedOut.knativeerrorcode).toBeUndefined();
    expect(timedOut.knativeerrordata).toBeUndefined();
    expect(withoutErrorExtensions(extended)).toEqual(event("x"));
  });

  it("stores, lists, gets and replays a dead letter; storing it twice keeps one", async () => {
    const failed = withErrorExtensions(event("a"), {
      destination: "http://architect.mesh-six.svc.cluster.local",
      status: 422,
      body: new TextEncoder().encode("bad input"),
    });
    const stored = await storeDeadLetter(db, {
      broker: "mesh-six/default",
      trigger: "architect-tasks",
      event: failed,
      attempts: 1,
      at: Date.UTC(2026, 0, 2),
    });
    expect(stored).toMatchObject({
      broker: "mesh-six/default",
      trigger: "architect-tasks",
      subscriber: "http://architect.mesh-six.svc.cluster.local",
      errorCode: 422,
      errorData: Buffer.from("bad input").toString("base64"),
      attempts: 1,
      createdAt: "2026-01-02T00:00:00.000Z",
      replayedAt: null,
    });
    expect(stored.event).toEqual(failed);

    // the dead-letter sink function stores the same dead letter from the extensions alone
    const again = await storeDeadLetter(db, { broker: "mesh-six/default", event: failed });
    expect(again.id).toBe(stored.id);
    expect(await listDeadLetters(db)).toHaveLength(1);
    expect(await getDeadLetter(db, stored.id)).toEqual(stored);
    expect(await getDeadLetter(db, "999999")).toBeUndefined();
    expect(await getDeadLetter(db, "not-a-number")).toBeUndefined();

    await expect(
      replayDeadLetter(db, stored.id, async () => {
        throw new Error("broker down");
      }),
    ).rejects.toThrow("broker down");
    expect((await getDeadLetter(db, stored.id))?.replayedAt).toBeNull();

    const published: MeshEvent[] = [];
    const replayed = await replayDeadLetter(db, stored.id, async (replay) => {
      published.push(replay);
    });
    expect(published).toEqual([event("a")]);
    expect(replayed?.replayedAt).not.toBeNull();
    expect(await listDeadLetters(db)).toEqual([]);
    expect(await listDeadLetters(db, { includeReplayed: true })).toHaveLength(1);
    expect(await replayDeadLetter(db, "424242", async () => {})).toBeUndefined();

    // failing again after a replay is a new dead letter
    const second = await storeDeadLetter(db, { broker: "mesh-six/default", event: failed });
    expect(second.id).not.toBe(stored.id);
    expect((await listDeadLetters(db, { includeReplayed: true, limit: 1 }))[0]?.id).toBe(second.id);

    // replayed once: a second replay is refused unless it says again, even when both race
    await expect(
      replayDeadLetter(db, stored.id, async (replay) => void published.push(replay)),
    ).rejects.toThrow(DeadLetterReplayedError);
    const racing = await Promise.allSettled(
      [1, 2].map(() => replayDeadLetter(db, second.id, async (replay) => void published.push(replay))),
    );
    expect(racing.map((outcome) => outcome.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(published).toHaveLength(2);
    const repeated = await replayDeadLetter(db, stored.id, async (replay) => void published.push(replay), {
      again: true,
    });
    expect(published).toHaveLength(3);
    expect(Date.parse(repeated!.replayedAt!)).toBeGreaterThanOrEqual(Date.parse(replayed!.replayedAt!));
  });
});
