import { startRecordingServer } from "@mesh-six/cli/testing/recording-server";
import { gateway } from "@mesh-six/function-gateway";
import { createEmbeddedBroker } from "@mesh-six/shared/broker/embedded-broker";
import type { Trigger } from "@mesh-six/shared/function/knative-types";
import type { EmbeddedHost } from "@mesh-six/shared/host/embedded";
import { type RunningServer, serveHost } from "@mesh-six/shared/host/serve";
import { createTestMesh, settleHost, type TestMesh } from "@mesh-six/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** JSON that a parse and re-serialise would change in every way it can. */
const data =
  '  {"n": 12345678901234567890, "f": 1.0, "big": 1e400, "b": 1, "a": 2, "a": 3, "2": "x", "1": "y",\n' +
  '   "e": "\\u00e9", "é": "é", "s": "\\ud83d\\ude00"}\n';

/**
 * Data byte for byte over real sockets: posted to the embedded host's ingress, delivered
 * over HTTP to a subscriber, shown by `GET /events` and `GET /dead-letters`, all as sent.
 */
describe("event data over HTTP", () => {
  let mesh: TestMesh;
  let host: EmbeddedHost;
  let server: RunningServer;
  let subscriber: Awaited<ReturnType<typeof startRecordingServer>>;
  let status = 202;

  beforeAll(async () => {
    subscriber = await startRecordingServer(() => ({ status }));
    const trigger: Trigger = {
      apiVersion: "eventing.knative.dev/v1",
      kind: "Trigger",
      metadata: { name: "exact", namespace: "mesh-six" },
      spec: {
        broker: "default",
        filter: { attributes: { type: "dev.meshsix.test.exact" } },
        subscriber: { uri: subscriber.url },
      },
    };
    mesh = await createTestMesh({
      functions: [gateway],
      platform: false,
      env: { RATE_LIMIT_PER_MINUTE: "0" },
      // the test posts its own event type to the ingress, as a sender outside the mesh
      outsideEventTypes: ["dev.meshsix.test.exact"],
      createBroker: (settings) =>
        createEmbeddedBroker({ ...settings, triggers: [...settings.triggers, trigger] }),
    });
    host = mesh.host;
    server = await serveHost(host, 0, "127.0.0.1");
  });
  afterAll(async () => {
    await server.close();
    await mesh.stop();
    await subscriber.close();
  });

  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
  const send = async (id: string) => {
    const response = await fetch(url("/mesh-six/default"), {
      method: "POST",
      headers: {
        "ce-specversion": "1.0",
        "ce-id": id,
        "ce-source": "/test/exact",
        "ce-type": "dev.meshsix.test.exact",
        "ce-count": "7",
        "content-type": "application/json; charset=utf-8",
      },
      body: data,
    });
    expect(response.status).toBe(202);
    await settleHost(host);
  };

  it("delivers the body to an HTTP subscriber exactly as it was posted", async () => {
    await send("exact-1");
    const [delivery] = subscriber.requests;
    expect(delivery?.body.toString("utf8")).toBe(data);
    expect(delivery?.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(delivery?.headers["ce-count"]).toBe("7");
  });

  it("shows it in the event log, every attribute and the data as posted", async () => {
    const text = await (await fetch(url("/events?kind=event.accepted"))).text();
    expect(text).toContain(`"data":${data}`);
    expect(text).toContain('"datacontenttype":"application/json; charset=utf-8"');
    expect(text).toContain('"count":"7"');
  });

  it("keeps it in the dead-letter store and replays it as it was", async () => {
    status = 400;
    await send("exact-2");
    status = 202;
    const text = await (await fetch(url("/dead-letters"))).text();
    expect(text).toContain(`"data":${data}`);
    const { deadLetters } = JSON.parse(text) as { deadLetters: { id: string }[] };
    const replay = await fetch(url(`/dead-letters/${deadLetters[0]!.id}/replay`), { method: "POST" });
    expect(replay.status).toBe(200);
    await settleHost(host);
    const replayed = subscriber.requests.at(-1);
    expect(replayed?.headers["ce-id"]).toBe("exact-2");
    expect(replayed?.body.toString("utf8")).toBe(data);
  });
});
