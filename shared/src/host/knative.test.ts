import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { type MeshEvent, TaskProgress, TaskRequested } from "@mesh-six/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handlerView } from "../broker/event-data.ts";
import { decodeHttpMessage, encodeBinary } from "../broker/http-binding.ts";
import { createManualClock } from "../clock.ts";
import { ConfigError, NonRetryableError } from "../errors.ts";
import { readFunctionConfig } from "../function/config.ts";
import { defineFunction } from "../function/define.ts";
import { createMemoryKv } from "../kv/memory.ts";
import { silentLogger } from "../log/logger.ts";
import { traceOf } from "../log/trace.ts";
import type { Db } from "../ports/db.ts";
import { createTestDb } from "../runtime/test-fixture.ts";
import { createKnativeHost } from "./knative.ts";
import { readKnativeEnvironment } from "./knative-env.ts";
import { createSinkPublisher } from "./knative-sink.ts";

/** Emits one progress event per request; refuses requests for the "impossible" capability. */
const worker = defineFunction({
  name: "worker",
  description: "test worker",
  subscriptions: [{ name: "requests", attributes: { type: TaskRequested.type } }],
  http: { paths: ["/hello"], create: () => () => new Response("hello") },
  handler: (event, ctx) => {
    const data = TaskRequested.parse(event);
    if (!data.ok) throw new NonRetryableError(data.error);
    if (data.data.capability === "impossible") throw new NonRetryableError("nobody can do that");
    return [ctx.emit(TaskProgress, { taskId: event.id, agentId: "worker", message: "on it" })];
  },
});

function post(event: MeshEvent): Request {
  const { headers, body } = encodeBinary(event);
  return new Request("http://worker.mesh-six.svc/", { method: "POST", headers, ...(body ? { body } : {}) });
}

function requested(capability: string): MeshEvent {
  return TaskRequested.create({ source: "/test", data: { capability } });
}

describe("the Knative host", () => {
  let db: Db;
  const published: MeshEvent[] = [];
  let sinkDown = false;
  let host: ReturnType<typeof createKnativeHost>;

  beforeAll(async () => {
    db = await createTestDb();
    const clock = createManualClock();
    host = createKnativeHost({
      definition: worker,
      db,
      kv: createMemoryKv({ clock }),
      logger: silentLogger,
      clock,
      config: readFunctionConfig(worker, {}),
      publish: async (event) => {
        if (sinkDown) throw new Error("K_SINK answered 503");
        published.push(event);
      },
    });
  });
  afterAll(() => db.close());

  it("answers /healthz and serves the function's routes", async () => {
    const health = await host.fetch(new Request("http://worker/healthz"));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", function: "worker" });
    expect(await (await host.fetch(new Request("http://worker/hello/there"))).text()).toBe("hello");
    expect((await host.fetch(new Request("http://worker/elsewhere"))).status).toBe(404);
  });

  it("handles a binary-mode CloudEvent and publishes its follow-ups before answering", async () => {
    const event = requested("general-query");
    const response = await host.fetch(post(event));
    expect(response.status).toBe(200);
    const follow = published.find((each) => (each.data as { taskId?: string }).taskId === event.id);
    expect(follow?.type).toBe(TaskProgress.type);
  });

  it("answers 503 when a follow-up cannot be published, and the redelivery publishes it", async () => {
    const event = requested("general-query");
    sinkDown = true;
    const first = await host.fetch(post(event));
    expect(first.status).toBe(503);
    expect(await first.text()).toMatch(
      /1 follow-up event\(s\) could not be published \(K_SINK answered 503\)/,
    );
    expect(published.some((each) => (each.data as { taskId?: string }).taskId === event.id)).toBe(false);
    sinkDown = false;
    const again = await host.fetch(post(event));
    expect(again.status).toBe(200);
    const sent = published.filter((each) => (each.data as { taskId?: string }).taskId === event.id);
    expect(sent).toHaveLength(1);
  });

  it("answers 422 for events that can never succeed and 400 for requests that are no CloudEvent", async () => {
    const refused = await host.fetch(post(requested("impossible")));
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("nobody can do that");
    const garbage = await host.fetch(
      new Request("http://worker/", { method: "POST", headers: { "ce-specversion": "1.0" }, body: "x" }),
    );
    expect(garbage.status).toBe(400);
    expect(await garbage.text()).toMatch(/not a valid CloudEvent: .*id/);
  });
});

describe("the K_SINK publisher", () => {
  const received: { headers: IncomingMessage["headers"]; body: Buffer }[] = [];
  let status = 202;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(status).end(status === 202 ? "" : "topic unavailable");
    });
  });
  let sink = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    sink = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mesh-six/default`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("POSTs binary mode with the K_CE_OVERRIDES extensions applied", async () => {
    const environment = readKnativeEnvironment({
      K_SINK: sink,
      K_CE_OVERRIDES: '{"extensions":{"meshcluster":"prod","meshagent":"override"}}',
    });
    const publish = createSinkPublisher(environment);
    const event = TaskProgress.create({
      source: "/mesh-six/worker",
      data: { taskId: "t1", agentId: "worker", message: "hi" },
      extensions: { meshagent: "original" },
    });
    await publish(event);
    const last = received.at(-1)!;
    expect(last.headers["ce-id"]).toBe(event.id);
    expect(last.headers["ce-meshcluster"]).toBe("prod");
    expect(last.headers["ce-meshagent"]).toBe("override");
    const decoded = decodeHttpMessage({
      headers: new Headers(last.headers as Record<string, string>),
      body: new Uint8Array(last.body),
    });
    expect(decoded.ok && handlerView(decoded.event).data).toEqual(event.data);
    // the W3C trace header beside the event's own trace
    expect(last.headers.traceparent).toBe(traceOf(event).traceparent);
  });

  it("rejects with the sink's status and answer when the event is not accepted", async () => {
    status = 503;
    const accepted: MeshEvent[] = [];
    const publish = createSinkPublisher({ sink, accepted: async (event) => void accepted.push(event) });
    await expect(publish(requested("x"))).rejects.toThrow(/answered 503 to event .*: topic unavailable/);
    expect(accepted).toEqual([]);
    status = 202;
  });

  it("hands each event the sink accepted to `accepted`, as sent (the host records it in mesh_events)", async () => {
    const accepted: MeshEvent[] = [];
    const publish = createSinkPublisher({
      sink,
      extensions: { meshcluster: "prod" },
      accepted: async (event) => void accepted.push(event),
    });
    const event = requested("y");
    await publish(event);
    expect(accepted.map((each) => [each.id, each.meshcluster])).toEqual([[event.id, "prod"]]);
  });

  it("names the variable when K_SINK or K_CE_OVERRIDES is missing or wrong", () => {
    expect(() => readKnativeEnvironment({})).toThrow(ConfigError);
    expect(() => readKnativeEnvironment({})).toThrow(
      /K_SINK: is not set: the function's SinkBinding injects it/,
    );
    expect(() => readKnativeEnvironment({ K_SINK: "broker" })).toThrow(/K_SINK: must be an http\(s\) URL/);
    expect(() => readKnativeEnvironment({ K_SINK: sink, K_CE_OVERRIDES: "{" })).toThrow(
      /K_CE_OVERRIDES: is not JSON/,
    );
    expect(() =>
      readKnativeEnvironment({ K_SINK: sink, K_CE_OVERRIDES: '{"extensions":{"Bad-Name":"x"}}' }),
    ).toThrow(/K_CE_OVERRIDES: .*lowercase letters and digits/);
  });
});
