import { randomUUID } from "node:crypto";
import { type MeshEvent, TaskDispatched } from "@mesh-six/events";
import { fleet } from "@mesh-six/fleet";
import { encodeBinary } from "@mesh-six/shared/broker/http-binding";
import { createManualClock } from "@mesh-six/shared/clock";
import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import { readFunctionConfig } from "@mesh-six/shared/function/config";
import { signMessage } from "@mesh-six/shared/host/event-signature";
import { createKnativeHost, type KnativeHost } from "@mesh-six/shared/host/knative";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import { silentLogger } from "@mesh-six/shared/log/logger";
import type { Db } from "@mesh-six/shared/ports/db";
import { registerAgents } from "@mesh-six/shared/registry/agents";
import { migrate } from "@mesh-six/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { knInvokeCloudEvent, knInvokeHttp } from "./testing/invoke.ts";
import { testSecrets } from "./testing/samples.ts";

describe("kn func invoke against every function of the fleet as deployed (the Knative host)", () => {
  let db: Db;
  const hosts = new Map<string, KnativeHost>();
  const published: MeshEvent[] = [];
  beforeAll(async () => {
    db = await createPgliteDb();
    await migrate(db);
    const clock = createManualClock();
    await registerAgents(db, fleet, { now: clock.now() });
    for (const definition of fleet) {
      hosts.set(
        definition.name,
        createKnativeHost({
          definition,
          db,
          kv: createMemoryKv({ clock }),
          logger: silentLogger,
          clock,
          config: readFunctionConfig(definition, testSecrets),
          eventKey: testSecrets.MESH_EVENT_KEY,
          publish: async (event) => {
            published.push(event);
          },
        }),
      );
    }
  });
  afterAll(() => db.close());

  const answer = async (name: string, request: Request) => {
    const response = await hosts.get(name)!.fetch(request);
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };

  for (const definition of fleet) {
    const url = `http://${definition.name}.mesh-six.svc.cluster.local/`;

    it(`${definition.name}: the default HTTP invoke gets 400 saying what the function takes and how to send it work`, async () => {
      const { status, json } = await answer(definition.name, knInvokeHttp(url));
      expect(status).toBe(400);
      expect(json).toMatchObject({ function: definition.name, description: definition.description });
      expect(String(json.error)).toMatch(
        definition.handler ? /POST \/ takes CloudEvents .* --format cloudevent/ : /subscribes to no events/,
      );
      expect((json.try as string[])[0]).toMatch(
        /^kn event send --to Broker:eventing.knative.dev\/v1:default/,
      );
    });

    it(`${definition.name}: the default CloudEvent invoke (boson.fn) gets 400 naming the type, not 403 or 5xx`, async () => {
      const { status, json } = await answer(definition.name, knInvokeCloudEvent(url));
      expect(status).toBe(400);
      expect(json.function).toBe(definition.name);
      expect(String(json.error)).toMatch(
        definition.handler ? /boson\.fn is not an event type of the mesh/ : /subscribes to no events/,
      );
    });

    it(`${definition.name}: GET / describes it`, async () => {
      const { status, json } = await answer(definition.name, new Request(url));
      expect(status).toBe(200);
      expect(json).toMatchObject({ function: definition.name });
      expect(Array.isArray(json.events)).toBe(true);
    });
  }

  it("lists each Trigger with who may send it: the orchestrator takes task requests from anyone", async () => {
    const { json } = await answer("orchestrator", new Request("http://orchestrator/"));
    expect(json.events).toContainEqual({
      trigger: "orchestrator-requests",
      filter: { type: "dev.meshsix.task.requested" },
      from: "anyone: outside senders may publish it (kn event send, kn func invoke)",
    });
    expect(json.events).toContainEqual(
      expect.objectContaining({
        trigger: "orchestrator-completions",
        from: expect.stringMatching(/^mesh functions only/),
      }),
    );
    expect(json.try).toContainEqual(
      expect.stringMatching(/^kn func invoke --format cloudevent --type dev\.meshsix\.task\.requested/),
    );
  });

  it("works with a real event: kn func invoke --format cloudevent --type dev.meshsix.task.requested reaches the orchestrator", async () => {
    const taskId = `invoke-${randomUUID()}`;
    const data = JSON.stringify({ taskId, capability: "general-query", payload: { query: "What is 2+2?" } });
    const { status } = await answer(
      "orchestrator",
      knInvokeCloudEvent("http://orchestrator/", "dev.meshsix.task.requested", data),
    );
    expect(status).toBe(200);
    expect(published.filter((event) => event.type === "dev.meshsix.task.dispatched")).toContainEqual(
      expect.objectContaining({ meshagent: "general-agent" }),
    );
  });

  it("answers a signed mesh event its Triggers do not take (another agent's dispatch) with 400, not by handling it", async () => {
    const dispatch = TaskDispatched.create({
      source: "/mesh-six/orchestrator",
      extensions: { meshagent: "humans" },
      data: {
        taskId: "not-mine",
        capability: "human-approval",
        agentId: "humans",
        attempt: 1,
        payload: {},
        priority: 5,
        deadline: "2030-01-01T00:00:00.000Z",
      },
    });
    const { headers, body } = signMessage(testSecrets.MESH_EVENT_KEY, encodeBinary(dispatch));
    const { status, json } = await answer(
      "general-agent",
      new Request("http://general-agent/", { method: "POST", headers, body: body ?? null }),
    );
    expect(status).toBe(400);
    expect(json.error).toBe(
      "function general-agent takes no dev.meshsix.task.dispatched event like this one: none of its Triggers lets it through",
    );
  });
});
