import type { MeshEvent } from "@mesh-six/events";
import { storeDeadLetter, withErrorExtensions } from "@mesh-six/shared/broker/dead-letters";
import { handlerView } from "@mesh-six/shared/broker/event-data";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayApp } from "../app.ts";
import { createGatewayTestContext, type GatewayTestContext } from "../testing/context.ts";

const event = (id: string, data: unknown): MeshEvent => ({
  specversion: "1.0",
  id,
  source: "/test",
  type: "dev.meshsix.task.dispatched",
  meshagent: "architect",
  ...(data instanceof Uint8Array ? { datacontenttype: "application/octet-stream" } : {}),
  data,
});

interface Letter {
  id: string;
  trigger: string | null;
  errorCode: number | null;
  errorData: string | null;
  errorText?: string;
  replayedAt: string | null;
  event: Record<string, unknown>;
}

describe("dead-letter routes", () => {
  let ctx: GatewayTestContext;
  let app: Hono;
  const ids: string[] = [];
  beforeAll(async () => {
    ctx = await createGatewayTestContext();
    app = createGatewayApp(ctx);
    const failures = [
      {
        event: event("json-1", { question: "why" }),
        status: 422,
        body: new TextEncoder().encode('{"error":"question is too vague"}'),
        at: Date.UTC(2026, 0, 1),
      },
      {
        event: event("bytes-1", Uint8Array.of(0, 1, 255)),
        status: 503,
        body: Uint8Array.of(0xff, 0x00, 0x7f),
        at: Date.UTC(2026, 0, 2),
      },
      { event: event("json-2", { question: "how" }), status: undefined, at: Date.UTC(2026, 0, 3) },
    ];
    for (const failure of failures) {
      const stored = await storeDeadLetter(ctx.db, {
        broker: "mesh-six/default",
        trigger: "architect-tasks",
        event: withErrorExtensions(failure.event, {
          destination: "http://architect.mesh-six.svc.cluster.local",
          ...(failure.status === undefined ? {} : { status: failure.status, body: failure.body }),
        }),
        attempts: 3,
        at: failure.at,
      });
      ids.push(stored.id);
    }
  });
  afterAll(() => ctx.db.close());

  async function call(path: string, init?: RequestInit) {
    const response = await app.request(path, init);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it("lists dead letters newest first, events in the CloudEvents JSON format", async () => {
    const { status, body } = await call("/dead-letters");
    expect(status).toBe(200);
    const letters = body.deadLetters as Letter[];
    expect(letters.map((letter) => letter.event.id)).toEqual(["json-2", "bytes-1", "json-1"]);
    expect(letters.map((letter) => letter.errorCode)).toEqual([null, 503, 422]);
    expect(letters[0]).toMatchObject({ trigger: "architect-tasks", createdAt: "2026-01-03T00:00:00.000Z" });
    expect(letters[1]!.event).toMatchObject({ data_base64: "AAH/", knativeerrorcode: "503" });
    expect(letters[1]!.event.data).toBeUndefined();
    expect(letters[2]!.event.data).toEqual({ question: "why" });
    // the response body that sent it here: base64 as stored, and as text when it is text
    expect(letters[2]).toMatchObject({
      errorData: Buffer.from('{"error":"question is too vague"}').toString("base64"),
      errorText: '{"error":"question is too vague"}',
    });
    expect(letters[1]).toMatchObject({ errorData: "/wB/" });
    expect(letters[1]).not.toHaveProperty("errorText");
    expect(letters[0]).toMatchObject({ errorData: null });
    expect(letters[0]).not.toHaveProperty("errorText");
    const limited = await call("/dead-letters?limit=1");
    expect((limited.body.deadLetters as Letter[]).map((letter) => letter.id)).toEqual([ids[2]]);
  });

  it("gets one by id", async () => {
    const { status, body } = await call(`/dead-letters/${ids[0]}`);
    expect(status).toBe(200);
    expect((body.deadLetter as Letter).event.id).toBe("json-1");
    expect((body.deadLetter as Letter).errorText).toBe('{"error":"question is too vague"}');
  });

  it("replays one: publishes the original event and marks it, so the list leaves it out unless asked", async () => {
    const { status, body } = await call(`/dead-letters/${ids[0]}/replay`, { method: "POST" });
    expect(status).toBe(200);
    const letter = body.deadLetter as Letter;
    expect(letter.id).toBe(ids[0]);
    expect(letter.replayedAt).toEqual(expect.any(String));
    expect(ctx.published).toHaveLength(1);
    // the bytes stored, as a handler reads them (JSON given by code is recorded as application/json)
    expect(ctx.published[0]?.data).toEqual(new TextEncoder().encode('{"question":"why"}'));
    expect(handlerView(ctx.published[0]!)).toEqual({
      ...event("json-1", { question: "why" }),
      datacontenttype: "application/json",
    });
    const open = (await call("/dead-letters")).body.deadLetters as Letter[];
    expect(open.map((entry) => entry.id)).not.toContain(ids[0]);
    const all = (await call("/dead-letters?includeReplayed=true")).body.deadLetters as Letter[];
    expect(all.find((entry) => entry.id === ids[0])?.replayedAt).toBe(letter.replayedAt);
  });

  it("answers 503 and leaves the dead letter as it was when the broker cannot store the event", async () => {
    ctx.failPublishing("the log is full");
    try {
      const { status, body } = await call(`/dead-letters/${ids[1]}/replay`, { method: "POST" });
      expect(status).toBe(503);
      expect(body.error).toBe(
        "the broker could not store the replayed event (the log is full); try again later",
      );
    } finally {
      ctx.failPublishing(undefined);
    }
    const after = (await call(`/dead-letters/${ids[1]}`)).body.deadLetter as Letter;
    expect(after.replayedAt).toBeNull();
  });

  it.each<[string, string]>([
    ["/dead-letters/999", "GET"],
    ["/dead-letters/999/replay", "POST"],
  ])("answers 404 for an unknown id: %s", async (path, method) => {
    const { status, body } = await call(path, { method });
    expect(status).toBe(404);
    expect(body.error).toBe("no dead letter with id 999; list them with GET /dead-letters");
  });

  it.each<[string, string, string, string]>([
    ["/dead-letters?limit=0", "GET", "limit", "invalid query parameter 'limit'"],
    ["/dead-letters?limit=x", "GET", "limit", "must be a whole number"],
    [
      "/dead-letters?includeReplayed=yes",
      "GET",
      "includeReplayed",
      "invalid query parameter 'includeReplayed'",
    ],
    [
      "/dead-letters?all=true",
      "GET",
      "all",
      "unknown query parameter 'all'; accepted: limit, includeReplayed",
    ],
    ["/dead-letters/abc", "GET", "id", "invalid path parameter 'id': must be a dead-letter id"],
    ["/dead-letters/0/replay", "POST", "id", "invalid path parameter 'id'"],
  ])("answers 400 naming the parameter: %s", async (path, method, parameter, message) => {
    const { status, body } = await call(path, { method });
    expect(status).toBe(400);
    expect(body.parameter).toBe(parameter);
    expect(body.error).toContain(message);
  });
});
