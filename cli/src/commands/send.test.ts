import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { MeshEvent } from "@mesh-six/events";
import { createIngress } from "@mesh-six/shared/broker/ingress";
import type { Broker } from "@mesh-six/shared/broker/types";
import { createManualClock } from "@mesh-six/shared/clock";
import { silentLogger } from "@mesh-six/shared/log/logger";
import { HTTP } from "cloudevents";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { commands } from "../mesh.ts";
import { runMesh } from "../run.ts";
import { createTestIo } from "../testing/io.ts";
import { type Reply, startRecordingServer } from "../testing/recording-server.ts";
import { cliVersion } from "../version.ts";
import { resolveTarget } from "./send.ts";

describe("mesh send", () => {
  let reply: Reply;
  let server: Awaited<ReturnType<typeof startRecordingServer>>;
  beforeAll(async () => {
    server = await startRecordingServer(() => reply);
  });
  afterAll(() => server.close());
  beforeEach(() => {
    reply = { status: 202 };
    server.requests.length = 0;
  });

  const clock = createManualClock(Date.UTC(2020, 7, 24, 14, 1, 12, 120));

  async function mesh(...argv: string[]) {
    const io = createTestIo({ clock });
    const code = await runMesh(["--url", server.url, ...argv], commands, io);
    return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
  }

  it("sends kn's request: binary mode, ce-* headers, the fields as a JSON object, and prints the id", async () => {
    const result = await mesh(
      "send",
      ...[
        "--to",
        `${server.url}/mesh-six/orders`,
        "-t",
        "org.example.ping",
        "-i",
        "id-1",
        "-s",
        "/events/ping",
      ],
      ...["-f", "person.name=Chris", "--field", "ping=123", "--field=active=true", "--raw-field", "ref=321"],
    );
    expect(result).toEqual({ code: 0, stdout: "id-1\n", stderr: "" });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request!.method).toBe("POST");
    expect(request!.path).toBe("/mesh-six/orders");
    const ceHeaders = Object.entries(request!.headers).filter(([name]) => /^ce-|^content-type$/.test(name));
    expect(Object.fromEntries(ceHeaders)).toEqual({
      "ce-specversion": "1.0",
      "ce-id": "id-1",
      "ce-source": "/events/ping",
      "ce-type": "org.example.ping",
      "ce-time": "2020-08-24T14:01:12.12Z",
      "content-type": "application/json",
    });
    expect(request!.body.toString("utf8")).toBe(
      '{"active":true,"person":{"name":"Chris"},"ping":123,"ref":"321"}',
    );
    // and any CloudEvents receiver reads it as that event
    const event = HTTP.toEvent({ headers: request!.headers, body: request!.body.toString("utf8") });
    expect(event).toMatchObject({ id: "id-1", type: "org.example.ping", data: { ping: 123, ref: "321" } });
  });

  it("uses the defaults: the mesh's default broker, kn's type, a new UUID, mesh/<version> as source", async () => {
    const result = await mesh("send");
    expect(result.code).toBe(0);
    const [request] = server.requests;
    expect(request!.path).toBe("/mesh-six/default");
    expect(request!.headers["ce-type"]).toBe("dev.knative.cli.plugin.event.generic");
    expect(request!.headers["ce-source"]).toBe(`mesh/${cliVersion}`);
    expect(request!.headers["ce-id"]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(result.stdout).toBe(`${request!.headers["ce-id"]}\n`);
    expect(request!.body.toString("utf8")).toBe("{}");
  });

  it("sends non-ASCII attributes as their UTF-8 bytes", async () => {
    await mesh("send", "--source", "/źródło", "--field", "name=Łukasz");
    const [request] = server.requests;
    expect(Buffer.from(request!.headers["ce-source"] as string, "latin1").toString("utf8")).toBe("/źródło");
    expect(request!.body.toString("utf8")).toBe('{"name":"Łukasz"}');
  });

  it("shows the ingress's error message on a 4xx, exit 1", async () => {
    reply = {
      status: 400,
      contentType: "application/json",
      body: '{"error":"invalid event: specversion 0.3 is not supported"}',
    };
    const result = await mesh("send", "--id", "x");
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "mesh send: /mesh-six/default answered 400 Bad Request: invalid event: specversion 0.3 is not supported\n",
    });
  });

  it("shows a plain-text 5xx body, exit 1", async () => {
    reply = { status: 503, contentType: "text/plain", body: "the broker cannot store events right now" };
    const result = await mesh("send");
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "mesh send: /mesh-six/default answered 503 Service Unavailable: the broker cannot store events right now\n",
    );
  });

  it("says how to fix an unreachable mesh, exit 1", async () => {
    const closed = await startRecordingServer(() => reply);
    await closed.close();
    const io = createTestIo({ clock });
    const code = await runMesh(["send", "--url", closed.url], commands, io);
    expect(code).toBe(1);
    expect(io.stderrText()).toBe(
      `mesh send: could not reach ${closed.url} (ECONNREFUSED); start the mesh with 'npm start', or point --url or MESH_URL at it\n`,
    );
  });

  it.each<[string[], string]>([
    [["--field", "name"], "--field 'name' has no '='"],
    [["--field", "n=NaN"], "send it as text with --raw-field"],
    [["--field", "a=1", "--field", "a.b=2"], `path "a.b" runs through "a", which already holds 1`],
    [["--type", ""], "--type must not be blank"],
    [["--to", "ksvc:orders"], "is a Kubernetes reference"],
    [["--to", "Service:serving.knative.dev/v1:orders"], "mesh send reaches brokers only"],
    [["--to", "Broker:eventing.knative.dev/v1:app=orders"], "a label selector"],
    [["--to", "Broker:eventing.knative.dev/v1:Orders"], "'Orders' is not a broker name"],
    [["--to", "broker:orders", "-n", "Team_A"], "--namespace 'Team_A' is not a namespace name"],
    [["--to", `http://localhost/ns/b`, "--namespace", "ns"], "--namespace names the namespace of a broker"],
    [["--to", "broker:a", "--to-url", "http://localhost/ns/b"], "can't use both --to and --to-url"],
    [["--to-url", "broker:orders"], "--to-url 'broker:orders' is not an absolute http(s) URL"],
    [["--to", "/relative"], "is not an absolute http(s) URL"],
    [["--field", "=x"], "--field '=x' has an empty path before '='"],
    [["--raw-field", "=x"], "--raw-field '=x' has an empty path before '='"],
    [["--source", "my tool"], "--source 'my tool' is not a URI reference: it has a space"],
    [["--source", "1tool:x"], "--source '1tool:x' is not a URI reference"],
    [["--source", ":x"], "--source ':x' is not a URI reference"],
    [["--source", "/a#b#c"], "--source '/a#b#c' is not a URI reference: it has a second '#'"],
    [["--source", "http://host:port/x"], "--source 'http://host:port/x' is not a URI reference"],
    [["--nope"], "unknown option '--nope'"],
    [["--type"], "--type needs a value: --type <type>"],
    [["extra"], "unexpected argument 'extra'; this command takes no arguments"],
  ])("refuses %j with exit 2, sending nothing", async (argv, message) => {
    const result = await mesh("send", ...argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("Run 'mesh send --help' for usage.");
    expect(server.requests).toHaveLength(0);
  });
});

describe("mesh send to the broker ingress", () => {
  const stored: MeshEvent[] = [];
  // the ingress's broker port; this one keeps what it is given
  const broker: Broker = {
    namespace: "mesh-six",
    name: "default",
    publish: async (event) => {
      stored.push(event);
    },
    start: async () => {},
    stop: async () => {},
  };
  const ingress = createIngress({
    resolveBroker: (namespace, name) => (namespace === "mesh-six" && name === "default" ? broker : undefined),
    logger: silentLogger,
  });
  let url: string;
  let server: ReturnType<typeof serve>;
  beforeAll(async () => {
    server = serve({ fetch: (request) => ingress(request), port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((resolve) =>
      server.listening ? resolve() : server.once("listening", () => resolve()),
    );
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("is accepted as the event kn would have sent, non-ASCII attributes included", async () => {
    const io = createTestIo({ clock: createManualClock(Date.UTC(2026, 0, 1)) });
    const argv = ["send", "--url", url, "-t", "dev.meshsix.task.requested", "-i", "t-1", "-s", "/źródło"];
    const code = await runMesh(
      [...argv, "-f", "capability=general-query", "-f", "payload.n=2"],
      commands,
      io,
    );
    expect({ code, stdout: io.stdoutText(), stderr: io.stderrText() }).toEqual({
      code: 0,
      stdout: "t-1\n",
      stderr: "",
    });
    expect(stored).toEqual([
      {
        specversion: "1.0",
        id: "t-1",
        source: "/źródło",
        type: "dev.meshsix.task.requested",
        time: "2026-01-01T00:00:00Z",
        datacontenttype: "application/json",
        // the body exactly as sent: Go's encoding/json, as kn writes it
        data: new TextEncoder().encode('{"capability":"general-query","payload":{"n":2}}'),
      },
    ]);
  });

  it("shows the ingress's refusal, exit 1", async () => {
    const io = createTestIo();
    const code = await runMesh(["send", "--url", url, "--to", "broker:orders"], commands, io);
    expect(code).toBe(1);
    expect(io.stderrText()).toBe(
      "mesh send: /mesh-six/orders answered 404 Not Found: there is no broker orders in namespace mesh-six\n",
    );
  });
});

describe("--to, --to-url and --namespace", () => {
  const mesh = new URL("http://localhost:8080");
  it.each<[Parameters<typeof resolveTarget>[0], string]>([
    [{}, "http://localhost:8080/mesh-six/default"],
    [{ namespace: "team-a" }, "http://localhost:8080/team-a/default"],
    [{ to: "broker:orders" }, "http://localhost:8080/mesh-six/orders"],
    [{ to: "broker:orders", namespace: "team-a" }, "http://localhost:8080/team-a/orders"],
    [{ to: "Broker:eventing.knative.dev/v1:orders" }, "http://localhost:8080/mesh-six/orders"],
    [
      { to: "Broker:eventing.knative.dev/v1:orders", namespace: "team-a" },
      "http://localhost:8080/team-a/orders",
    ],
    [{ to: "https://mesh.example.com/ns/b" }, "https://mesh.example.com/ns/b"],
    [{ toUrl: "https://mesh.example.com/ns/b" }, "https://mesh.example.com/ns/b"],
  ])("%j sends to %s", (flags, url) => {
    expect(resolveTarget(flags, mesh).href).toBe(url);
  });

  it("keeps the mesh URL's path prefix", () => {
    expect(resolveTarget({}, new URL("http://proxy/mesh")).href).toBe("http://proxy/mesh/mesh-six/default");
  });

  it("sends to the broker kn's reference names, in the namespace -n names", async () => {
    const server = await startRecordingServer(() => ({ status: 202 }));
    try {
      const io = createTestIo();
      const argv = [
        "send",
        "--url",
        server.url,
        "--to",
        "Broker:eventing.knative.dev/v1:orders",
        "-n",
        "shop",
      ];
      expect(await runMesh(argv, commands, io)).toBe(0);
      expect(server.requests.map((request) => request.path)).toEqual(["/shop/orders"]);
    } finally {
      await server.close();
    }
  });
});
