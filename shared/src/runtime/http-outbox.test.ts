import type { MeshEvent } from "@mesh-six/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createManualClock } from "../clock.ts";
import { silentLogger } from "../log/logger.ts";
import type { Db } from "../ports/db.ts";
import { createHttpOutbox } from "./http-outbox.ts";
import { sweepOutbox } from "./sweep.ts";
import { createTestDb } from "./test-fixture.ts";

/** Bytes jsonb would not keep as they are: whitespace, key order, a duplicate key, an escape. */
const payload = new TextEncoder().encode('{ "b": 1,\r\n\t"a": 1.50, "a": "\\u00e9" }');

function withBytes(id: string): MeshEvent {
  return {
    specversion: "1.0",
    id,
    source: "https://github.com/o/r",
    type: "dev.meshsix.github.issues",
    datacontenttype: "application/json",
    data: payload,
  };
}

describe("the HTTP outbox keeps event data that is bytes byte for byte", () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db.close());

  it("publishes the bytes after the commit, and the sweep publishes them after a failed publish", async () => {
    const clock = createManualClock();
    const sent: MeshEvent[] = [];
    let down = true;
    const publish = async (event: MeshEvent) => {
      if (down) throw new Error("the broker is down");
      sent.push(event);
    };
    const outbox = createHttpOutbox({ db, functionName: "bytes", publish, clock, logger: silentLogger });
    const failed = await outbox.commit("k-1", async () => ({ value: 1, events: [withBytes("e-1")] }));
    expect(failed.published).toBe(0);
    down = false;
    expect(
      await sweepOutbox(
        { db, publish, now: () => clock.now(), logger: silentLogger, functionName: "bytes" },
        { olderThanMs: 0 },
      ),
    ).toBe(1);
    await outbox.commit("k-2", async () => ({ value: 2, events: [withBytes("e-2")] }));
    expect(sent.map((event) => event.id)).toEqual(["e-1", "e-2"]);
    for (const event of sent) {
      expect(event.data).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(event.data as Uint8Array).equals(Buffer.from(payload))).toBe(true);
      expect(event.data_base64).toBeUndefined();
    }
  });
});
