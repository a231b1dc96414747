import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { type MeshEvent, PingFired, TaskCompleted, TaskDispatched, TaskRequested } from "@mesh-six/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeBinary, encodeStructured } from "../broker/http-binding.ts";
import { createManualClock } from "../clock.ts";
import { readFunctionConfig } from "../function/config.ts";
import { defineFunction, type FunctionDefinition } from "../function/define.ts";
import { createMemoryKv } from "../kv/memory.ts";
import { silentLogger } from "../log/logger.ts";
import type { Db } from "../ports/db.ts";
import { createTestDb } from "../runtime/test-fixture.ts";
import { signatureProblem, signMessage } from "./event-signature.ts";
import { createKnativeHost } from "./knative.ts";
import { createSinkPublisher } from "./knative-sink.ts";

const key = "the-mesh-event-key-for-these-tests-0123456789";

/** Counts the dispatches, completions, requests and pings it is given. */
const agent = defineFunction({
  name: "agent",
  description: "test agent",
  subscriptions: [
    { name: "dispatched", attributes: { type: TaskDispatched.type } },
    { name: "completed", attributes: { type: TaskCompleted.type } },
    { name: "requested", attributes: { type: TaskRequested.type } },
    { name: "ping", attributes: { type: PingFired.type } },
  ],
  handler: () => {
    handled += 1;
  },
});
let handled = 0;

function dispatched(taskId: string): MeshEvent {
  return TaskDispatched.create({
    source: "/mesh-six/orchestrator",
    id: `dispatch-${taskId}`,
    extensions: { meshagent: "agent" },
    data: {
      taskId,
      capability: "general-query",
      agentId: "agent",
      attempt: 1,
      payload: { query: "What is 2+2?" },
      priority: 5,
      deadline: "2030-01-01T00:00:00.000Z",
    },
  });
}

function request(message: { headers: Record<string, string>; body?: Uint8Array }): Request {
  return new Request("http://agent.mesh-six.svc/", {
    method: "POST",
    headers: message.headers,
    ...(message.body ? { body: message.body } : {}),
  });
}

describe("the Knative host tells the mesh's events from forged ones", () => {
  let db: Db;
  let host: ReturnType<typeof createKnativeHost>;
  /** `definition` on the Knative host, over this suite's database, publishing nowhere. */
  const hostFor = (definition: FunctionDefinition, eventKey: string | null = key) => {
    const clock = createManualClock();
    return createKnativeHost({
      definition,
      db,
      kv: createMemoryKv({ clock }),
      logger: silentLogger,
      clock,
      config: readFunctionConfig(definition, {}),
      ...(eventKey ? { eventKey } : {}),
      publish: async () => {},
    });
  };
  beforeAll(async () => {
    db = await createTestDb();
    host = hostFor(agent);
  });
  afterAll(() => db.close());

  async function answer(message: { headers: Record<string, string>; body?: Uint8Array }) {
    const response = await host.fetch(request(message));
    return { status: response.status, text: await response.text() };
  }

  it("handles a dispatch signed with MESH_EVENT_KEY, as the broker delivers one", async () => {
    const before = handled;
    const signed = signMessage(key, encodeBinary(dispatched("real")));
    expect((await answer(signed)).status).toBe(200);
    expect(handled).toBe(before + 1);
  });

  it("refuses a forged task.dispatched or task.completed posted straight to the function, and handles nothing", async () => {
    const before = handled;
    const forged = await answer(encodeBinary(dispatched("forged")));
    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.text).error).toBe(
      "dev.meshsix.task.dispatched is accepted only from mesh functions, signed with the mesh's MESH_EVENT_KEY, and it carries no meshsignature extension",
    );
    const completed = TaskCompleted.create({
      source: "/mesh-six/agent",
      data: { taskId: "t", agentId: "agent", attempt: 1, result: { answer: "forged" }, durationMs: 1 },
    });
    const otherKey = signMessage("somebody-elses-key-0123456789abcdef0123", encodeBinary(completed));
    const wrong = await answer(otherKey);
    expect(wrong.status).toBe(403);
    expect(wrong.text).toContain("not signed with this mesh's MESH_EVENT_KEY, or it was changed on the way");
    expect(handled).toBe(before);
  });

  it("refuses a signed event whose data or routing was changed after signing", async () => {
    const signed = signMessage(key, encodeBinary(dispatched("tampered")));
    const changedData = new TextEncoder().encode(
      new TextDecoder().decode(signed.body).replace("What is 2+2?", "Send me the secrets"),
    );
    expect((await answer({ ...signed, body: changedData })).status).toBe(403);
    const rerouted = { ...signed.headers, "ce-meshagent": "other-agent" };
    expect((await answer({ headers: rerouted, ...(signed.body ? { body: signed.body } : {}) })).status).toBe(
      403,
    );
  });

  it("keeps a signature valid through what the broker adds or rewrites: time, tracing, knative* extensions", async () => {
    const signed = signMessage(key, encodeBinary(dispatched("dead-lettered")));
    const delivered = {
      ...signed,
      headers: {
        ...signed.headers,
        "ce-time": "2030-01-01T00:00:00Z",
        "ce-traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "ce-knativeerrordest": "http://agent.mesh-six.svc.cluster.local",
        "ce-knativeerrorcode": "500",
      },
    };
    expect((await answer(delivered)).status).toBe(200);
  });

  it("refuses mesh events in structured mode, which carries no signature the function can check", async () => {
    const structured = await answer(encodeStructured(dispatched("structured")));
    expect(structured.status).toBe(403);
    expect(structured.text).toContain("it is not in binary mode, the only mode mesh functions sign");
  });

  it("takes the types outside senders may send, and Knative's own (PingSource), unsigned", async () => {
    const before = handled;
    const requested = TaskRequested.create({
      source: "kn-event/v1.19",
      data: { capability: "general-query" },
    });
    expect((await answer(encodeBinary(requested))).status).toBe(200);
    const ping = PingFired.create({ source: "/apis/v1/namespaces/mesh-six/pingsources/p", data: undefined });
    expect((await answer(encodeBinary(ping))).status).toBe(200);
    expect(handled).toBe(before + 2);
  });

  it("takes a signed event of a type outside the catalog that its Triggers take, and answers 400 to one they do not", async () => {
    let custom = 0;
    const subscriber = defineFunction({
      name: "custom",
      description: "subscribes to a type of its own",
      subscriptions: [{ name: "mine", attributes: { type: "dev.meshsix.test.custom" } }],
      handler: () => {
        custom += 1;
      },
    });
    const own = hostFor(subscriber);
    const event = (type: string): MeshEvent => ({
      specversion: "1.0",
      id: `c-${type}`,
      source: "/mesh-six/x",
      type,
    });
    const signed = (type: string) => request(signMessage(key, encodeBinary(event(type))));
    expect((await own.fetch(signed("dev.meshsix.test.custom"))).status).toBe(200);
    expect(custom).toBe(1);
    expect((await own.fetch(request(encodeBinary(event("dev.meshsix.test.custom"))))).status).toBe(403);
    const other = await own.fetch(signed("dev.meshsix.test.other"));
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({
      error:
        "dev.meshsix.test.other is not an event type of the mesh (events/src/catalog.ts), and none of function custom's Triggers takes it",
      function: "custom",
    });
    expect(custom).toBe(1);
  });

  it("refuses every mesh event when the function has no MESH_EVENT_KEY to check with", async () => {
    const keyless = hostFor(agent, null);
    const response = await keyless.fetch(request(signMessage(key, encodeBinary(dispatched("keyless")))));
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("this function has no MESH_EVENT_KEY");
  });
});

describe("the K_SINK publisher signs what it sends", () => {
  const received: { headers: IncomingMessage["headers"]; body: Buffer }[] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      received.push({ headers: incoming.headers, body: Buffer.concat(chunks) });
      response.writeHead(202).end();
    });
  });
  let sink = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    sink = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mesh-six/default`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("adds a meshsignature that verifies over the bytes as they arrived, overrides included", async () => {
    const publish = createSinkPublisher({ sink, extensions: { meshcluster: "prod" }, signingKey: key });
    // a stale signature on the event (a replayed dead letter) is replaced
    await publish({ ...dispatched("sent"), meshsignature: "v1=stale" } as MeshEvent);
    const last = received.at(-1)!;
    const headers = new Headers(last.headers as Record<string, string>);
    expect(headers.get("ce-meshcluster")).toBe("prod");
    expect(headers.get("ce-meshsignature")).toMatch(/^v1=[\w-]{43}$/);
    expect(signatureProblem(key, headers, new Uint8Array(last.body))).toBeUndefined();
    expect(
      signatureProblem("another-key-0123456789abcdef0123456789", headers, new Uint8Array(last.body)),
    ).toMatch(/does not match/);
  });
});
