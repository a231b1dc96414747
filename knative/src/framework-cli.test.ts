import { fileURLToPath } from "node:url";
import { fleet } from "@mesh-six/fleet";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BundleEnvironment, startBundleEnvironment } from "./testing/environment.ts";
import { freePort, isolate, type RunningBundle, runBundle, waitForOutput } from "./testing/processes.ts";
import { deliver, sampleEventFor, testSecrets } from "./testing/samples.ts";

/** The `functions-framework` binary npm installed, as buildpacks and `kn func` run it. */
const cli = fileURLToPath(new URL("../../node_modules/.bin/functions-framework", import.meta.url));

describe("a bundle started by the real functions-framework CLI, alone in an empty directory", () => {
  let environment: BundleEnvironment;
  let definition: FunctionDefinition;
  let running: RunningBundle | undefined;
  let url: string;

  beforeAll(async () => {
    definition = fleet.find((each) => each.name === "orchestrator")!;
    environment = await startBundleEnvironment(fleet, [definition.name]);
    const port = await freePort();
    running = runBundle(
      isolate(environment.bundles.get(definition.name)!.file),
      {
        ...testSecrets,
        PORT: String(port),
        DATABASE_URL: environment.database.url,
        K_SINK: environment.sink.url,
      },
      [cli, `--target=${definition.name}`, "--signature-type=http", "--source=index.mjs"],
    );
    // the framework's own line, printed once its server listens
    await waitForOutput(running, `URL: http://localhost:${port}/`);
    url = `http://127.0.0.1:${port}`;
  }, 120_000);

  afterAll(async () => {
    await running?.stop();
    await environment?.stop();
  });

  it("finds the function under --target and serves it", async () => {
    expect(running!.output()).toContain(`${definition.name} is loaded; the functions-framework serves it`);
    expect(running!.output()).toContain(`Function: ${definition.name}`);
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ status: "ok", function: definition.name });
  });

  it("answers a binary-mode CloudEvent and sends its follow-ups to K_SINK before answering", async () => {
    const event = sampleEventFor(definition)!;
    const response = await deliver(`${url}/`, event);
    expect(response.status, `${await response.text()}\n${running!.output()}`).toBe(200);
    const expected = await environment.followUpIds(definition, event);
    expect(expected.length).toBeGreaterThan(0);
    const arrived = environment.sink.events.filter((sent) => expected.includes(sent.id));
    expect(arrived.map((sent) => sent.id)).toEqual(expected);
    expect(arrived.map((sent) => sent.type)).toEqual(["dev.meshsix.task.dispatched"]);
  });

  it("answers what is not a CloudEvent with the function's 400 and its description, through the framework", async () => {
    const response = await fetch(`${url}/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: expect.stringMatching(/^POST \/ takes CloudEvents/),
      function: definition.name,
    });
  });

  it("keeps the framework's own routes: /favicon.ico is the framework's 404, not the function's", async () => {
    const response = await fetch(`${url}/favicon.ico`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("");
  });
});
