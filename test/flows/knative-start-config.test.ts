import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { stackLine } from "../support/npm-start.ts";

const entry = new URL("../support/knative-greeter.ts", import.meta.url).pathname;

/** Starts test/support/knative-greeter.ts with only `env` and resolves when it exits. */
function startGreeter(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [entry], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, output }));
  });
}

describe("a function on the Knative host", () => {
  it("stops at start, naming the function and the variable, when a variable its config requires is missing", async () => {
    const { code, output } = await startGreeter({
      // nothing listens there: the function's own variables are checked before any connection
      DATABASE_URL: "postgresql://mesh@127.0.0.1:9/mesh",
      MESH_EVENT_KEY: "test-mesh-event-key-0123456789abcdef",
      K_SINK: "http://127.0.0.1:9/mesh-six/default",
      MESH_BROKER: "knative",
    });
    expect(code).toBe(2);
    expect(output).toBe(
      "greeter: cannot start: function greeter: GREETING: must be a string; it is not set — what the greeter says\n",
    );
    expect(output).not.toMatch(stackLine);
  });
});
