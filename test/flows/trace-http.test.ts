import { defineEvent, type MeshEvent } from "@mesh-six/events";
import { createEmbeddedBroker } from "@mesh-six/shared/broker/embedded-broker";
import { createSteppingClock } from "@mesh-six/shared/broker/stepping-clock";
import { triggersFor } from "@mesh-six/shared/broker/triggers";
import { loadConfig } from "@mesh-six/shared/config/env";
import { defineFunction } from "@mesh-six/shared/function/define";
import type { EmbeddedHost } from "@mesh-six/shared/host/embedded";
import { createKnativeHost } from "@mesh-six/shared/host/knative";
import { createSinkPublisher } from "@mesh-six/shared/host/knative-sink";
import { type RunningServer, serveHost } from "@mesh-six/shared/host/serve";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import { readMeshEvents } from "@mesh-six/shared/log/event-log";
import { silentLogger } from "@mesh-six/shared/log/logger";
import { traceOf } from "@mesh-six/shared/log/trace";
import { createTestDb } from "@mesh-six/shared/runtime/test-fixture";
import { createTestMesh, dataOf, settleHost, type TestMesh } from "@mesh-six/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

const Traced = defineEvent("dev.meshsix.test.traced", {
  description: "test: an event whose trace is followed",
  schema: z.unknown(),
});
const Answered = defineEvent("dev.meshsix.test.answered", {
  description: "test: the follow-up of a traced event",
  terminal: true,
  schema: z.object({ of: z.string() }),
});

const seen: { id: string; traceId: string }[] = [];
const worker = defineFunction({
  name: "traced-worker",
  description: "test: a Knative function that answers traced events",
  subscriptions: [{ name: "traced", attributes: { type: Traced.type } }],
  async handler(event, ctx) {
    seen.push({ id: event.id, traceId: ctx.trace.traceId });
    return [ctx.emit(Answered, { of: event.id })];
  },
});

const traceT = "4bf92f3577b34da6a3ce929d0e0e4736";
const traceX = "0af7651916cd43dd8448eb211c80319c";
const header = (traceId: string) => `00-${traceId}-00f067aa0ba902b7-01`;

/**
 * Traces across the HTTP boundary, over real sockets: a sender posts to the embedded
 * host's ingress, the embedded broker delivers over HTTP to a Knative host (as Knative's
 * dispatcher would), whose follow-up goes back through its K_SINK publisher to the ingress.
 * The W3C `traceparent` header is read wherever an event has no traceparent extension,
 * and sent on every delivery and publish.
 */
describe("the W3C traceparent header across HTTP hops", () => {
  let mesh: TestMesh;
  let embedded: EmbeddedHost;
  let ingressServer: RunningServer;
  let workerServer: RunningServer;
  const atIngress: Headers[] = [];
  const atWorker: Headers[] = [];

  beforeAll(async () => {
    let sink: ((event: MeshEvent) => Promise<void>) | undefined;
    const workerDb = await createTestDb();
    const workerClock = createSteppingClock();
    const knative = createKnativeHost({
      definition: worker,
      db: workerDb,
      kv: createMemoryKv({ clock: workerClock }),
      logger: silentLogger,
      clock: workerClock,
      config: loadConfig({}),
      publish: (event) => sink!(event),
      // the test's own sender is outside the mesh: its events arrive unsigned
      outsideEventTypes: [Traced.type],
    });
    workerServer = await serveHost(
      {
        fetch: (request) => {
          atWorker.push(request.headers);
          return knative.fetch(request);
        },
      },
      0,
      "127.0.0.1",
    );
    const workerUrl = `http://127.0.0.1:${workerServer.port}/`;
    mesh = await createTestMesh({
      functions: [],
      platform: false,
      env: { RATE_LIMIT_PER_MINUTE: "0" },
      // the test's sender and the worker (elsewhere, as on Knative) post these to the ingress
      outsideEventTypes: [Traced.type, Answered.type],
      // the worker runs elsewhere: its Trigger delivers over HTTP, as on Knative
      createBroker: (settings) =>
        createEmbeddedBroker({
          ...settings,
          triggers: triggersFor(worker, { namespace: "mesh-six", broker: "default" }).map((trigger) => ({
            ...trigger,
            spec: {
              broker: trigger.spec.broker,
              filter: trigger.spec.filter,
              subscriber: { uri: workerUrl },
            },
          })),
        }),
    });
    embedded = mesh.host;
    ingressServer = await serveHost(
      {
        fetch: (request) => {
          atIngress.push(request.headers);
          return embedded.fetch(request);
        },
      },
      0,
      "127.0.0.1",
    );
    sink = createSinkPublisher({ sink: `http://127.0.0.1:${ingressServer.port}/mesh-six/default` });
  });
  afterAll(async () => {
    await ingressServer.close();
    await workerServer.close();
    await mesh.stop();
  });

  const send = async (id: string, headers: Record<string, string>) => {
    const response = await fetch(`http://127.0.0.1:${ingressServer.port}/mesh-six/default`, {
      method: "POST",
      headers: {
        "ce-specversion": "1.0",
        "ce-id": id,
        "ce-source": "/test/sender",
        "ce-type": Traced.type,
        "content-type": "application/json",
        ...headers,
      },
      body: "{}",
    });
    expect(response.status).toBe(202);
    await settleHost(embedded);
  };
  const logged = async (eventId: string) =>
    (await readMeshEvents(embedded.db, { kind: "event.accepted", limit: 1000 })).find(
      (row) => row.eventId === eventId,
    );
  const answerOf = async (id: string) => {
    const rows = await readMeshEvents(embedded.db, { eventType: Answered.type, limit: 1000 });
    return rows.find((row) => (dataOf(row) as { of?: string } | undefined)?.of === id);
  };

  it("carries the trace of a traceparent header through the ingress, the delivery, the handler and its follow-up", async () => {
    await send("t-1", { traceparent: header(traceT), tracestate: "vendor=1" });
    // the ingress takes the header as the event's extension
    expect((await logged("t-1"))?.event).toMatchObject({
      traceparent: header(traceT),
      tracestate: "vendor=1",
    });
    expect((await logged("t-1"))?.traceId).toBe(traceT);
    // the delivery carries it as a header and as the extension; the handler is in the trace
    const delivery = atWorker.find((headers) => headers.get("ce-id") === "t-1");
    expect(delivery?.get("traceparent")).toBe(header(traceT));
    expect(delivery?.get("ce-traceparent")).toBe(header(traceT));
    expect(seen.find((entry) => entry.id === "t-1")?.traceId).toBe(traceT);
    // the follow-up, published to K_SINK, is a child span of the same trace, header and extension
    const answer = await answerOf("t-1");
    expect(answer?.traceId).toBe(traceT);
    const publish = atIngress.find((headers) => headers.get("ce-id") === answer?.eventId);
    expect(publish?.get("traceparent")).toMatch(new RegExp(`^00-${traceT}-[0-9a-f]{16}-01$`));
    expect(publish?.get("ce-traceparent")).toBe(publish?.get("traceparent"));
    expect(publish?.get("tracestate")).toBe("vendor=1");
  });

  it("lets the event's own traceparent extension win over the header", async () => {
    await send("t-2", { "ce-traceparent": header(traceX), traceparent: header(traceT) });
    expect((await logged("t-2"))?.traceId).toBe(traceX);
    expect(seen.find((entry) => entry.id === "t-2")?.traceId).toBe(traceX);
    expect((await answerOf("t-2"))?.traceId).toBe(traceX);
  });

  it("sends the trace derived from an untraced event as the header, adding no attribute", async () => {
    await send("t-3", {});
    const row = await logged("t-3");
    expect(row?.event?.traceparent).toBeUndefined();
    const derived = traceOf(row!.event!);
    expect(row?.traceId).toBe(derived.traceId);
    const delivery = atWorker.find((headers) => headers.get("ce-id") === "t-3");
    expect(delivery?.get("traceparent")).toBe(derived.traceparent);
    expect(delivery?.has("ce-traceparent")).toBe(false);
    expect(seen.find((entry) => entry.id === "t-3")?.traceId).toBe(derived.traceId);
    expect((await answerOf("t-3"))?.traceId).toBe(derived.traceId);
  });

  it("takes the header on a delivery straight to the Knative host, as Knative's dispatcher sends it", async () => {
    const response = await fetch(`http://127.0.0.1:${workerServer.port}/`, {
      method: "POST",
      headers: {
        "ce-specversion": "1.0",
        "ce-id": "t-4",
        "ce-source": "/test/dispatcher",
        "ce-type": Traced.type,
        traceparent: header(traceX),
      },
    });
    expect(response.status).toBe(200);
    expect(seen.find((entry) => entry.id === "t-4")?.traceId).toBe(traceX);
    await settleHost(embedded);
    expect((await answerOf("t-4"))?.traceId).toBe(traceX);
  });
});
