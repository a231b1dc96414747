import { createHmac } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { MeshEvent } from "@mesh-six/events";
import { fleet } from "@mesh-six/fleet";
import { encodeBinary } from "@mesh-six/shared/broker/http-binding";
import { llmConfig } from "@mesh-six/shared/config/llm";
import { includesConfig } from "@mesh-six/shared/function/config";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleContents } from "./bundle/contents.ts";
import type { BuiltBundle } from "./bundle/fleet.ts";
import type { WireDatabase } from "./testing/database.ts";
import { type BundleEnvironment, startBundleEnvironment } from "./testing/environment.ts";
import { knInvokeCloudEvent, knInvokeHttp } from "./testing/invoke.ts";
import { freePort, isolate, type RunningBundle, runBundle, waitForOutput } from "./testing/processes.ts";
import { deliver, sampleEventFor, testSecrets } from "./testing/samples.ts";
import type { TestSink } from "./testing/sink.ts";

const overrides = '{"extensions":{"meshbundle":"test"}}';

describe("each function's bundle, alone in an empty directory", () => {
  let environment: BundleEnvironment;
  let bundles: ReadonlyMap<string, BuiltBundle>;
  let database: WireDatabase;
  let sink: TestSink;
  const running: RunningBundle[] = [];
  /** Functions whose sample event produced follow-ups, for the redelivery test. */
  const emitting: FunctionDefinition[] = [];

  beforeAll(async () => {
    environment = await startBundleEnvironment(fleet);
    ({ bundles, database, sink } = environment);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(running.map((bundle) => bundle.stop()));
    await environment?.stop();
  });

  async function start(definition: FunctionDefinition, env: Record<string, string> = {}) {
    const port = await freePort();
    const bundle = runBundle(isolate(bundles.get(definition.name)!.file), {
      PORT: String(port),
      DATABASE_URL: database.url,
      K_SINK: sink.url,
      K_CE_OVERRIDES: overrides,
      ...testSecrets,
      ...env,
    });
    running.push(bundle);
    await waitForOutput(bundle, `${definition.name} is serving on port ${port}`);
    return { bundle, url: `http://127.0.0.1:${port}` };
  }

  const followUpIds = (definition: FunctionDefinition, cause: MeshEvent) =>
    environment.followUpIds(definition, cause);

  it("the migration Job's bundle migrated the database and registered the agents", async () => {
    const applied = await database.pglite.query<{ version: number }>("SELECT version FROM schema_migrations");
    expect(applied.rows.length).toBeGreaterThan(0);
    const agents = await database.pglite.query<{ name: string }>("SELECT name FROM agents ORDER BY name");
    const withCapabilities = fleet.filter((definition) => (definition.capabilities ?? []).length > 0);
    expect(agents.rows.map((row) => row.name)).toEqual(
      withCapabilities.map((definition) => definition.name).sort(),
    );
  });

  for (const definition of fleet) {
    it(`${definition.name}: starts, takes a binary-mode CloudEvent (or a request) and sends its follow-ups to K_SINK before answering`, async () => {
      const { bundle, url } = await start(definition);
      const health = await fetch(`${url}/healthz`);
      expect(await health.json()).toEqual({ status: "ok", function: definition.name });
      const [path] = definition.http?.paths ?? [];
      if (path) expect((await fetch(`${url}${path}`)).status, bundle.output()).toBeLessThan(500);
      // kn func invoke's default HTTP and CloudEvent (boson.fn) forms: a 400 describing the function
      for (const invoke of [knInvokeHttp(`${url}/`), knInvokeCloudEvent(`${url}/`)]) {
        const answer = await fetch(invoke);
        expect(answer.status, bundle.output()).toBe(400);
        expect(await answer.json()).toMatchObject({ function: definition.name });
      }

      const event = sampleEventFor(definition);
      if (event) {
        const response = await deliver(`${url}/`, event);
        expect(response.status, `${await response.text()}\n${bundle.output()}`).toBe(200);
        const expected = await followUpIds(definition, event);
        // published before the answer: already at the sink, with K_CE_OVERRIDES applied
        const arrived = sink.events.filter((sent) => expected.includes(sent.id));
        expect(arrived.map((sent) => sent.id).sort()).toEqual([...expected].sort());
        for (const sent of arrived) expect(sent.meshbundle).toBe("test");
        // signed with MESH_EVENT_KEY, so the functions they are delivered to accept them
        for (const sent of arrived) expect(sent.meshsignature).toMatch(/^v1=[\w-]{43}$/);
        if (expected.length > 0) emitting.push(definition);
      }
      expect(sink.notBinary).toEqual([]);
      expect(await bundle.stop()).toBe(0);
    });
  }

  it("some function of the fleet emitted follow-ups (so the tests above saw events arrive)", () => {
    expect(emitting.map((definition) => definition.name)).not.toEqual([]);
  });

  it("carries the AI SDK only in the bundles of functions that call a model, and mime-db only in part", () => {
    const aiSdk = new Set(["ai", "@ai-sdk/openai", "@ai-sdk/provider-utils"]);
    for (const definition of fleet) {
      const packages = bundleContents(bundles.get(definition.name)!.metafile).map((share) => share.name);
      const callsModel = includesConfig(definition, llmConfig);
      expect([definition.name, packages.some((name) => aiSdk.has(name))]).toEqual([
        definition.name,
        callsModel,
      ]);
      expect(packages).not.toContain("mime-db");
    }
  });

  it("node index.mjs serves through the functions-framework's server: /favicon.ico is the framework's empty 404", async () => {
    const { bundle, url } = await start(fleet[0]!);
    const response = await fetch(`${url}/favicon.ico`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("");
    await bundle.stop();
  });

  it("answers 503 while K_SINK refuses follow-ups; the redelivery publishes the same ones", async () => {
    const definition = emitting[0]!;
    const { bundle, url } = await start(definition);
    const event = sampleEventFor(definition)!;
    sink.setDown(true);
    const refused = await deliver(`${url}/`, event);
    expect(refused.status).toBe(503);
    expect(await refused.text()).toMatch(/could not be published .*answered 503/);
    const kept = await followUpIds(definition, event);
    expect(kept.length).toBeGreaterThan(0);
    expect(sink.events.some((sent) => kept.includes(sent.id))).toBe(false);

    sink.setDown(false);
    const again = await deliver(`${url}/`, event);
    expect(again.status, bundle.output()).toBe(200);
    expect(await followUpIds(definition, event)).toEqual(kept);
    expect(sink.events.filter((sent) => kept.includes(sent.id)).map((sent) => sent.id)).toEqual(kept);
    await bundle.stop();
  });

  it("refuses a mesh event posted straight to a function without the mesh's signature", async () => {
    const agent = fleet.find((definition) => definition.name === "general-agent")!;
    const { bundle, url } = await start(agent);
    const forged = sampleEventFor(agent)!;
    const refused = await deliver(`${url}/`, forged, { signed: false });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(
      /dev\.meshsix\.task\.dispatched is accepted only from mesh functions.*carries no meshsignature/,
    );
    expect(await followUpIds(agent, forged)).toEqual([]);
    const wrongKey = await fetch(`${url}/`, {
      method: "POST",
      headers: { ...encodedHeaders(forged), "ce-meshsignature": `v1=${"A".repeat(43)}` },
      body: JSON.stringify(forged.data),
    });
    expect(wrongKey.status).toBe(403);
    expect(await wrongKey.text()).toContain("not signed with this mesh's MESH_EVENT_KEY");
    await bundle.stop();
  });

  it("refuses to serve the gateway on every interface without MESH_API_KEYS, naming HOST and MESH_API_KEYS", async () => {
    const gateway = fleet.find((definition) => definition.name === "gateway")!;
    const directory = isolate(bundles.get(gateway.name)!.file);
    const env = {
      PORT: String(await freePort()),
      DATABASE_URL: database.url,
      K_SINK: sink.url,
      MESH_EVENT_KEY: testSecrets.MESH_EVENT_KEY,
    };
    const refused = runBundle(directory, env);
    expect(await refused.exited).toBe(2);
    expect(refused.output()).toMatch(
      /HOST: is unset, so this host listens on every interface.*MESH_API_KEYS is not set/,
    );
    const withoutEventKey = runBundle(directory, { ...env, MESH_EVENT_KEY: "" });
    expect(await withoutEventKey.exited).toBe(2);
    expect(withoutEventKey.output()).toMatch(/MESH_EVENT_KEY: is not set: functions on Knative sign/);
  });

  it("serves the webhook receiver on every interface without MESH_API_KEYS: it takes only signed deliveries", async () => {
    const receiver = fleet.find((definition) => definition.name === "webhook-receiver")!;
    const port = await freePort();
    const secret = "bundle-test-github-webhook-secret";
    const bundle = runBundle(isolate(bundles.get(receiver.name)!.file), {
      PORT: String(port),
      DATABASE_URL: database.url,
      K_SINK: sink.url,
      MESH_EVENT_KEY: testSecrets.MESH_EVENT_KEY,
      GITHUB_WEBHOOK_SECRET: secret,
    });
    running.push(bundle);
    await waitForOutput(bundle, `${receiver.name} is serving on port ${port}`);
    const url = `http://127.0.0.1:${port}/webhooks/github`;
    const body = '{"action":"opened","issue":{"number":1},"repository":{"full_name":"o/r"}}';
    const id = `bundle-${crypto.randomUUID()}`;
    const headers = {
      "content-type": "application/json",
      "x-github-event": "issues",
      "x-github-delivery": id,
    };
    const unsigned = await fetch(url, { method: "POST", headers, body });
    expect(unsigned.status).toBe(401);
    const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
    const signed = await fetch(url, {
      method: "POST",
      headers: { ...headers, "x-hub-signature-256": signature },
      body,
    });
    expect(signed.status, bundle.output()).toBe(202);
    const published = sink.events.find((event) => event.id === id);
    expect(published).toMatchObject({
      type: "dev.meshsix.github.issues",
      source: "/github/o/r",
      subject: "issues/1",
    });
    expect(published?.meshsignature).toMatch(/^v1=[\w-]{43}$/);
    expect(await bundle.stop()).toBe(0);
  });

  it("--fill-compile-cache writes the compiled code where NODE_COMPILE_CACHE says, and exits 2 naming it when unset", async () => {
    const [definition] = fleet;
    const directory = isolate(bundles.get(definition!.name)!.file);
    const unset = runBundle(directory, {}, ["index.mjs", "--fill-compile-cache"]);
    expect(await unset.exited).toBe(2);
    expect(unset.output()).toMatch(/--fill-compile-cache: set NODE_COMPILE_CACHE to the folder/);
    const cache = join(directory, ".compile-cache");
    const filled = runBundle(directory, { NODE_COMPILE_CACHE: cache }, ["index.mjs", "--fill-compile-cache"]);
    expect(await filled.exited).toBe(0);
    expect(readdirSync(cache, { recursive: true }).length).toBeGreaterThan(0);
  });

  it("stops at start-up with the variable to fix when DATABASE_URL or K_SINK is missing, or the framework's timeout is not a number", async () => {
    const [definition] = fleet;
    const directory = isolate(bundles.get(definition!.name)!.file);
    const withoutDatabase = runBundle(directory, { PORT: String(await freePort()), K_SINK: sink.url });
    expect(await withoutDatabase.exited).toBe(2);
    expect(withoutDatabase.output()).toMatch(
      /DATABASE_URL: is not set: a function on Knative keeps its state/,
    );
    const withoutSink = runBundle(directory, { PORT: String(await freePort()), DATABASE_URL: database.url });
    expect(await withoutSink.exited).toBe(2);
    expect(withoutSink.output()).toMatch(/K_SINK: is not set: the function's SinkBinding injects it/);
    const badTimeout = runBundle(directory, {
      PORT: String(await freePort()),
      DATABASE_URL: database.url,
      K_SINK: sink.url,
      CLOUD_RUN_TIMEOUT_SECONDS: "soon",
    });
    expect(await badTimeout.exited).toBe(2);
    expect(badTimeout.output()).toMatch(/CLOUD_RUN_TIMEOUT_SECONDS: Timeout must be a positive integer/);
  });
});

function encodedHeaders(event: MeshEvent): Record<string, string> {
  return encodeBinary(event).headers;
}
