import { TaskRequested } from "@mesh-six/events";
import { migrate } from "@mesh-six/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgliteDb } from "../db/pglite.ts";
import type { Db } from "../ports/db.ts";
import { acceptedEntry, readMeshEvents, recordMeshEvent } from "./event-log.ts";

describe("event log", () => {
  let db: Db;
  beforeAll(async () => {
    db = await createPgliteDb();
    await migrate(db);
  });
  afterAll(() => db.close());

  it("records accepted events with their trace and reads them back in order, filtered", async () => {
    const event = TaskRequested.create({
      source: "/test",
      data: { capability: "general-query" },
      extensions: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
    });
    await recordMeshEvent(db, acceptedEntry(event));
    await recordMeshEvent(db, { kind: "llm.call", traceId: "other", data: { model: "offline" } });
    const all = await readMeshEvents(db);
    expect(all.map((row) => row.kind)).toEqual(["event.accepted", "llm.call"]);
    expect(all[0]).toMatchObject({ traceId: "0af7651916cd43dd8448eb211c80319c", eventId: event.id });
    const traced = await readMeshEvents(db, { traceId: "0af7651916cd43dd8448eb211c80319c" });
    expect(traced).toHaveLength(1);
    const after = await readMeshEvents(db, { after: all[0]!.id });
    expect(after.map((row) => row.kind)).toEqual(["llm.call"]);
  });
});
