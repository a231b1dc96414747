import { type MeshEvent, TaskProgress, TaskRequested } from "@mesh-six/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NonRetryableError } from "../errors.ts";
import { defineFunction, type FunctionContext } from "../function/define.ts";
import { readMeshEvents } from "../log/event-log.ts";
import type { Db } from "../ports/db.ts";
import { parseEventOrThrow } from "./parse.ts";
import { count, createTestDb, runtimeUnderTest } from "./test-fixture.ts";

const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

function requested(capability = "general-query"): MeshEvent {
  return TaskRequested.create({
    source: "/mesh-six/gateway",
    data: { capability },
    extensions: { traceparent, tracestate: "vendor=1" },
  });
}

/** Counts each event in `tally` and emits two progress events, all in one commit. */
function tallyFunction(name: string, before: (ctx: FunctionContext) => void = () => {}) {
  return defineFunction({
    name,
    description: "counts task requests",
    handler: async (event, ctx) => {
      const data = parseEventOrThrow(TaskRequested, event);
      ctx.logger.info("tallying", { capability: data.capability });
      before(ctx);
      return ctx.commit(async (tx) => {
        await tx.query("INSERT INTO tally (function_name, event_id) VALUES ($1, $2)", [name, event.id]);
        return [
          ctx.emit(
            TaskProgress,
            { taskId: event.id, agentId: name, message: "counted" },
            { subject: event.id, extensions: { meshagent: "orchestrator" } },
          ),
          ctx.emit(TaskProgress, { taskId: event.id, agentId: name, message: "done" }),
        ];
      });
    },
  });
}

describe("function runtime", () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb();
    await db.exec("CREATE TABLE tally (function_name text NOT NULL, event_id text NOT NULL)");
  });
  afterAll(() => db.close());

  const tallied = (name: string) => count(db, "SELECT count(*) FROM tally WHERE function_name = $1", [name]);

  it("handles a duplicate delivery with no second effect and no second events", async () => {
    const host = runtimeUnderTest(db, tallyFunction("tally-dup"));
    const event = requested();
    expect(await host.deliver(event)).toEqual({ status: 200 });
    expect(await host.deliver(event)).toEqual({ status: 200 });
    expect(await tallied("tally-dup")).toBe(1);
    expect(host.published.map((published) => published.data)).toEqual([
      expect.objectContaining({ message: "counted" }),
      expect.objectContaining({ message: "done" }),
    ]);
    const kinds = (await readMeshEvents(db, { traceId: "4bf92f3577b34da6a3ce929d0e0e4736" }))
      .filter((row) => row.functionName === "tally-dup")
      .map((row) => row.kind);
    expect(kinds).toEqual(["handler.succeeded", "handler.duplicate"]);
  });

  it("lets only one of two concurrent deliveries of the same event commit", async () => {
    const host = runtimeUnderTest(db, tallyFunction("tally-race"));
    const event = requested();
    const responses = await Promise.all([host.deliver(event), host.deliver(event)]);
    expect(responses).toEqual([{ status: 200 }, { status: 200 }]);
    expect(await tallied("tally-race")).toBe(1);
    expect(host.published).toHaveLength(2);
  });

  it("builds follow-ups from /mesh-six/<function> with subject, extensions and a child of the incoming trace", async () => {
    const host = runtimeUnderTest(db, tallyFunction("tally-shape"));
    const event = requested();
    await host.deliver(event);
    const [first, second] = host.published;
    expect(first).toMatchObject({
      type: "dev.meshsix.task.progress",
      source: "/mesh-six/tally-shape",
      subject: event.id,
      meshagent: "orchestrator",
      tracestate: "vendor=1",
      time: new Date(host.clock.now()).toISOString(),
    });
    for (const followUp of [first, second]) {
      expect(followUp?.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
      expect(followUp?.traceparent).not.toBe(traceparent);
    }
    expect(first?.traceparent).not.toBe(second?.traceparent);
    expect(first?.id).not.toBe(second?.id);
  });

  it("emits the same ids when a failed attempt is delivered again", async () => {
    let attempts = 0;
    const seen: string[][] = [];
    const definition = defineFunction({
      name: "flaky",
      description: "fails once after building its follow-ups",
      handler: (event, ctx) => {
        const followUps = [
          ctx.emit(TaskProgress, { taskId: event.id, agentId: "flaky", message: "a" }),
          ctx.emit(TaskProgress, { taskId: event.id, agentId: "flaky", message: "b" }, { key: "second" }),
        ];
        seen.push(followUps.map((followUp) => followUp.id));
        attempts += 1;
        if (attempts === 1) throw new Error("the model endpoint reset the connection");
        return followUps;
      },
    });
    const host = runtimeUnderTest(db, definition);
    const event = requested();
    expect((await host.deliver(event)).status).toBe(503);
    expect((await host.deliver(event)).status).toBe(200);
    expect(seen[1]).toEqual(seen[0]);
    expect(host.published.map((published) => published.id)).toEqual(seen[0]);
  });

  it("puts the trace id on every log line and every mesh_events row of the delivery", async () => {
    const host = runtimeUnderTest(db, tallyFunction("tally-trace"));
    const event = requested();
    await host.deliver(event);
    await host.deliver(event);
    expect(host.lines.map((line) => line.msg)).toEqual([
      "tallying",
      "handled event",
      "event already handled; this delivery has no effect",
    ]);
    for (const line of host.lines) {
      expect(line).toMatchObject({
        traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
        function: "tally-trace",
        eventId: event.id,
        eventType: "dev.meshsix.task.requested",
      });
    }
    const rows = (await readMeshEvents(db)).filter((row) => row.functionName === "tally-trace");
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({
        traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
        eventType: "dev.meshsix.task.requested",
        eventId: event.id,
      });
    }
    expect(rows[0]?.data).toMatchObject({
      status: 200,
      durationMs: 0,
      emitted: host.published.map((e) => e.id),
    });
  });

  it("claims the inbox and stores returned events itself when the handler does not commit", async () => {
    let runs = 0;
    const definition = defineFunction({
      name: "plain",
      description: "returns follow-ups without a commit",
      handler: (event, ctx) => {
        runs += 1;
        return [ctx.emit(TaskProgress, { taskId: event.id, agentId: "plain", message: "seen" })];
      },
    });
    const host = runtimeUnderTest(db, definition);
    const event = requested();
    await host.deliver(event);
    await host.deliver(event);
    expect(runs).toBe(1);
    expect(host.published).toHaveLength(1);
    expect(await count(db, "SELECT count(*) FROM inbox WHERE function_name = 'plain'")).toBe(1);
  });
});

describe("function runtime errors", () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb();
    await db.exec("CREATE TABLE tally (function_name text NOT NULL, event_id text NOT NULL)");
  });
  afterAll(() => db.close());

  const body = (response: { body?: Uint8Array }) =>
    JSON.parse(new TextDecoder().decode(response.body)) as { error: string };

  it("answers 422 with the reason for a NonRetryableError", async () => {
    const definition = defineFunction({
      name: "refuser",
      description: "refuses everything",
      handler: () => {
        throw new NonRetryableError("capability general-query is not offered here");
      },
    });
    const host = runtimeUnderTest(db, definition);
    const event = requested();
    const response = await host.deliver(event);
    expect(response.status).toBe(422);
    expect(body(response)).toEqual({ error: "capability general-query is not offered here" });
    const [row] = (await readMeshEvents(db, { kind: "handler.failed" })).filter(
      (failed) => failed.eventId === event.id,
    );
    expect(row).toMatchObject({ functionName: "refuser", traceId: "4bf92f3577b34da6a3ce929d0e0e4736" });
    expect(row?.data).toMatchObject({
      status: 422,
      retryable: false,
      error: expect.stringMatching(/not offered/),
    });
    expect(host.lines.at(-1)).toMatchObject({ level: "error", status: 422 });
  });

  it("answers 422 naming the field when the incoming data does not fit its schema", async () => {
    const host = runtimeUnderTest(db, tallyFunction("strict"));
    const event = { ...requested(), data: { capability: "" } };
    const response = await host.deliver(event);
    expect(response.status).toBe(422);
    expect(body(response).error).toMatch(/capability/);
  });

  it("turns a zod error thrown by the handler into 422", async () => {
    const definition = defineFunction({
      name: "zod-thrower",
      description: "parses with schema.parse",
      handler: (event) => {
        TaskProgress.schema.parse(event.data);
      },
    });
    const response = await runtimeUnderTest(db, definition).deliver(requested());
    expect(response.status).toBe(422);
    expect(body(response).error).toMatch(/^invalid data: .*taskId/s);
  });

  it("answers 503 for an unknown error and leaves the event unhandled so a retry runs it", async () => {
    let attempts = 0;
    const definition = defineFunction({
      name: "wobbly",
      description: "fails the first time",
      handler: () => {
        attempts += 1;
        if (attempts === 1) throw new TypeError("fetch failed");
      },
    });
    const host = runtimeUnderTest(db, definition);
    const event = requested();
    const response = await host.deliver(event);
    expect(response.status).toBe(503);
    expect(body(response)).toEqual({ error: "fetch failed" });
    expect(host.lines.at(-1)).toMatchObject({ level: "warn", status: 503 });
    expect((await host.deliver(event)).status).toBe(200);
    expect(attempts).toBe(2);
  });

  it("commits nothing when the work inside commit throws", async () => {
    const definition = defineFunction({
      name: "half-done",
      description: "writes, emits, then fails inside the transaction",
      handler: (event, ctx) =>
        ctx.commit(async (tx) => {
          await tx.query("INSERT INTO tally (function_name, event_id) VALUES ('half-done', $1)", [event.id]);
          ctx.emit(TaskProgress, { taskId: event.id, agentId: "half-done", message: "never" });
          throw new Error("constraint check in application code failed");
        }),
    });
    const host = runtimeUnderTest(db, definition);
    const event = requested();
    expect((await host.deliver(event)).status).toBe(503);
    expect(await count(db, "SELECT count(*) FROM tally WHERE function_name = 'half-done'")).toBe(0);
    expect(await count(db, "SELECT count(*) FROM outbox WHERE function_name = 'half-done'")).toBe(0);
    expect(await count(db, "SELECT count(*) FROM inbox WHERE function_name = 'half-done'")).toBe(0);
    expect(host.published).toEqual([]);
  });

  it("refuses a second commit for the same event", async () => {
    const definition = defineFunction({
      name: "double-committer",
      description: "commits twice",
      handler: async (_event, ctx) => {
        await ctx.commit(async () => []);
        await ctx.commit(async () => []);
      },
    });
    const response = await runtimeUnderTest(db, definition).deliver(requested());
    expect(response.status).toBe(422);
    expect(body(response).error).toMatch(/ctx.commit was called twice/);
  });

  it("answers 503 when the handler outlives scaling.timeoutSeconds, and a late commit does nothing", async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let late!: Promise<unknown>;
    let signal: AbortSignal | undefined;
    const definition = defineFunction({
      name: "slowpoke",
      description: "takes ten seconds",
      scaling: { timeoutSeconds: 5 },
      handler: async (event, ctx) => {
        signal = ctx.signal;
        const nap = ctx.clock.sleep(10_000);
        started();
        await nap;
        late = ctx.commit(async (tx) => {
          await tx.query("INSERT INTO tally (function_name, event_id) VALUES ('slowpoke', $1)", [event.id]);
        });
        await late;
      },
    });
    const host = runtimeUnderTest(db, definition);
    const delivery = host.deliver(requested());
    await running;
    await host.clock.advance(5_000);
    const response = await delivery;
    expect(response.status).toBe(503);
    expect(body(response).error).toMatch(/did not finish within 5 s/);
    expect(signal?.aborted).toBe(true);
    await host.clock.advance(5_000);
    await expect(late).rejects.toThrow(/did not finish/);
    expect(await count(db, "SELECT count(*) FROM tally WHERE function_name = 'slowpoke'")).toBe(0);
    expect(await count(db, "SELECT count(*) FROM inbox WHERE function_name = 'slowpoke'")).toBe(0);
  });
});
