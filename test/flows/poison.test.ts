import { randomBytes } from "node:crypto";
import type { MeshEvent } from "@mesh-six/events";
import { deadLetter } from "@mesh-six/function-dead-letter";
import { storeEvent } from "@mesh-six/shared/broker/broker-store";
import { defineFunction } from "@mesh-six/shared/function/define";
import { acceptedEntry } from "@mesh-six/shared/log/event-log";
import { createTestMesh, type TestMesh } from "@mesh-six/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const type = "dev.meshsix.test.poison";
let handled = 0;

const consumer = defineFunction({
  name: "poison-consumer",
  description: "test: takes every poison-test event",
  subscriptions: [{ name: "all", attributes: { type } }],
  delivery: { retry: 5, backoffPolicy: "exponential", backoffDelay: "PT1S" },
  async handler() {
    handled++;
  },
});

const event = (id: string): MeshEvent => ({ specversion: "1.0", id, source: "/test/poison", type });

/**
 * An event with a ~3,000-character id, accepted before the ingress refused such ids,
 * could be neither handled nor dead-lettered (every write hit an index's 2,704-byte
 * limit) and was attempted about once a second forever. Now the ingress refuses it, and
 * one already stored is dead-lettered once and never attempted again.
 */
describe("an event whose id is too long to index", () => {
  let mesh: TestMesh;
  beforeAll(async () => {
    mesh = await createTestMesh({ functions: [consumer, deadLetter], platform: false });
  });
  afterAll(() => mesh.stop());

  it("is refused at the ingress with the limit named", async () => {
    const response = await mesh.host.fetch(
      new Request("http://mesh.test/mesh-six/default", {
        method: "POST",
        headers: {
          "ce-specversion": "1.0",
          "ce-id": "p".repeat(3000),
          "ce-source": "/test/poison",
          "ce-type": type,
        },
      }),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain(
      "id is 3000 bytes long, over the limit of 256 bytes",
    );
  });

  it("is dead-lettered once when it was stored before, and not attempted again", async () => {
    // random, so Postgres cannot compress it into an index entry
    const poison = event(randomBytes(1500).toString("hex"));
    // as the broker stored it before the ingress checked lengths
    await storeEvent(mesh.host.db, {
      broker: "mesh-six/default",
      event: poison,
      triggers: ["poison-consumer-all"],
      at: mesh.clock.now(),
      log: acceptedEntry(poison),
    });
    // a fresh event wakes the dispatcher, which finds both
    await mesh.publish(event("wake-up"));
    await mesh.advance(3_600_000);
    const { rows } = await mesh.host.db.query<{
      target: string;
      status: string;
      attempts: number;
      last_status: number | null;
    }>(
      `SELECT d.target, d.status, d.attempts, d.last_status FROM broker_deliveries d JOIN broker_events e ON e.seq = d.seq
        WHERE e.event ->> 'id' = $1 ORDER BY d.target DESC`,
      [poison.id],
    );
    // the handler ran, but the inbox could not record it: 422, dead-lettered at the first attempt;
    // the dead-letter function cannot record it either, and the broker holds the dead letter already
    expect(rows).toEqual([
      { target: "subscriber", status: "dead", attempts: 1, last_status: 422 },
      { target: "dead-letter-sink", status: "dead", attempts: 1, last_status: 422 },
    ]);
    const letters = await mesh.host.db.query<{ id: string }>(
      "SELECT event ->> 'id' AS id FROM dead_letters WHERE event ->> 'source' = '/test/poison'",
    );
    expect(letters.rows.map((row) => row.id.length)).toEqual([3000]);
    expect(handled).toBe(2);
  });
});
