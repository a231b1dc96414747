import { TaskRequested } from "@mesh-six/events";
import { acceptedEntry, type MeshEventRow, recordMeshEvent } from "@mesh-six/shared/log/event-log";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayApp } from "../app.ts";
import {
  createGatewayTestContext,
  type GatewayTestContext,
  untilIdle,
  untilSleeping,
} from "../testing/context.ts";
import { streamPollMs } from "./events.ts";

const traceA = "0af7651916cd43dd8448eb211c80319c";
const traceB = "4bf92f3577b34da6a3ce929d0e0e4736";

function requested(trace: string) {
  return TaskRequested.create({
    source: "/test",
    data: { capability: "general-query" },
    extensions: { traceparent: `00-${trace}-b7ad6b7169203331-01` },
  });
}

describe("event feed routes", () => {
  let ctx: GatewayTestContext;
  let app: Hono;
  let ids: number[];
  beforeAll(async () => {
    ctx = await createGatewayTestContext();
    app = createGatewayApp(ctx);
    await recordMeshEvent(ctx.db, acceptedEntry(requested(traceA)));
    await recordMeshEvent(ctx.db, { kind: "llm.call", traceId: traceA, functionName: "general-agent" });
    await recordMeshEvent(ctx.db, acceptedEntry(requested(traceB)));
    await recordMeshEvent(ctx.db, { kind: "state.transition", traceId: traceB });
    const page = await getJson("/events");
    ids = page.events.map((row) => row.id);
  });
  afterAll(() => ctx.db.close());

  async function getJson(path: string): Promise<{ events: MeshEventRow[]; lastId: number }> {
    const response = await app.request(path);
    expect(response.status).toBe(200);
    return (await response.json()) as { events: MeshEventRow[]; lastId: number };
  }

  it("pages through the log oldest first with a cursor", async () => {
    expect(ids).toHaveLength(4);
    const first = await getJson("/events?limit=3");
    expect(first.events.map((row) => row.kind)).toEqual(["event.accepted", "llm.call", "event.accepted"]);
    expect(first.lastId).toBe(ids[2]);
    const rest = await getJson(`/events?after=${first.lastId}`);
    expect(rest.events.map((row) => row.kind)).toEqual(["state.transition"]);
    const empty = await getJson(`/events?after=${rest.lastId}`);
    expect(empty).toEqual({ events: [], lastId: rest.lastId });
  });

  it("filters by event type, trace and kind", async () => {
    const typed = await getJson(`/events?type=${TaskRequested.type}`);
    expect(typed.events.map((row) => row.traceId)).toEqual([traceA, traceB]);
    const traced = await getJson(`/events?trace=${traceB}`);
    expect(traced.events.map((row) => row.kind)).toEqual(["event.accepted", "state.transition"]);
    const kind = await getJson("/events?kind=llm.call");
    expect(kind.events).toMatchObject([{ kind: "llm.call", functionName: "general-agent" }]);
  });

  it("starts at the newest rows with last=N, filters applied", async () => {
    const last = await getJson("/events?last=2");
    expect(last.events.map((row) => row.id)).toEqual(ids.slice(2));
    const lastTyped = await getJson(`/events?last=1&type=${TaskRequested.type}`);
    expect(lastTyped.events.map((row) => row.traceId)).toEqual([traceB]);
    const more = await getJson("/events?last=50");
    expect(more.events).toHaveLength(4);
  });

  it.each([
    ["/events?limit=0", "limit", "invalid query parameter 'limit'"],
    ["/events?limit=abc", "limit", "must be a whole number"],
    ["/events?after=-1", "after", "must be a whole number"],
    ["/events?after=1&last=2", "last", "give either 'after' or 'last', not both"],
    ["/events?trace=xyz", "trace", "32 lowercase hex digits"],
    ["/events?evntType=x", "evntType", "unknown query parameter 'evntType'; accepted: after, last,"],
    ["/events/stream?limit=5", "limit", "unknown query parameter 'limit'"],
  ])("answers 400 naming the parameter for %s", async (path, parameter, message) => {
    const response = await app.request(path);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; parameter: string };
    expect(body.parameter).toBe(parameter);
    expect(body.error).toContain(message);
  });

  it("refuses a Last-Event-ID that is not a row id", async () => {
    const response = await app.request("/events/stream", { headers: { "Last-Event-ID": "abc" } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain("Last-Event-ID");
  });

  it("streams matching rows as server-sent events, then new ones, until the client disconnects", async () => {
    const response = await app.request(`/events/stream?last=1&trace=${traceB}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const first = await reader.read();
    const lastRow = await getJson(`/events?after=${ids[2]}`);
    expect(first.value).toBe(`data: ${JSON.stringify(lastRow.events[0])}\nid: ${ids[3]}\n\n`);

    await untilSleeping(ctx.clock);
    await recordMeshEvent(ctx.db, { kind: "llm.call", traceId: traceA });
    await recordMeshEvent(ctx.db, { kind: "llm.response", traceId: traceB });
    await ctx.clock.advance(streamPollMs);
    const next = await reader.read();
    expect(next.value).toMatch(/^data: \{"id":\d+,"at":"[^"]+","kind":"llm.response","traceId":"4bf9/);

    await untilSleeping(ctx.clock);
    await reader.cancel();
    await untilIdle(ctx.clock);
    expect(ctx.clock.pending).toBe(0);
  });

  it("resumes after the Last-Event-ID the client saw", async () => {
    const response = await app.request("/events/stream?kind=state.transition", {
      headers: { "Last-Event-ID": String(ids[0]) },
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const first = await reader.read();
    expect(first.value).toContain(`"kind":"state.transition"`);
    expect(first.value).toContain(`id: ${ids[3]}\n`);
    await reader.cancel();
    await untilIdle(ctx.clock);
  });
});
