import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const entry = new URL("../../cli/src/start.ts", import.meta.url).pathname;
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** Runs `npm start`'s entry as its own process and waits for its ready line. */
function startMesh(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /mesh-six is ready at (http:\/\/localhost:\d+)/.exec(output);
      if (match) resolve({ child, url: match[1]!, output: () => output, exited });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((code) => reject(new Error(`exited with ${code} before it was ready:\n${output}`)));
  });
}

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mesh-start-"));
  dirs.push(dir);
  return dir;
}

// Each case starts `npm start` (once or twice) as a process: a loaded machine takes tens of seconds.
describe("npm start", { timeout: 120_000 }, () => {
  it("serves the mesh, stops cleanly on Ctrl-C, and keeps its state for the next start", async () => {
    const dir = dataDir();
    const first = await startMesh({ PORT: "0", MESH_DATA_DIR: dir });
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    const accepted = await fetch(`${first.url}/tasks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ capability: "general-query", payload: { query: "What is 2+2?" } }),
    });
    const { taskId } = (await accepted.json()) as { taskId: string };
    const done = (await (await fetch(`${first.url}/tasks/${taskId}?wait=10`)).json()) as { status: string };
    expect(done.status).toBe("succeeded");

    first.child.kill("SIGINT");
    expect(await first.exited).toBe(0);
    expect(first.output()).toMatch(/"msg":"stopped"/);

    const second = await startMesh({ PORT: "0", MESH_DATA_DIR: dir });
    const kept = (await (await fetch(`${second.url}/tasks/${taskId}`)).json()) as { status: string };
    expect(kept.status).toBe("succeeded");
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });

  it("quits at once on a second Ctrl-C while a delivery is stuck, and delivers it again on the next start", {
    timeout: 120_000,
  }, async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const dir = dataDir();
      const env = {
        PORT: "0",
        MESH_DATA_DIR: dir,
        LLM_BASE_URL: `http://127.0.0.1:${port}/v1`,
        LLM_API_KEY: "k",
      };
      const first = await startMesh(env);
      const accepted = await fetch(`${first.url}/tasks`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ capability: "general-query", payload: { query: "stuck?" } }),
      });
      const { taskId } = (await accepted.json()) as { taskId: string };
      await until(() => first.output().includes('"eventType":"dev.meshsix.task.requested"'));
      first.child.kill("SIGINT");
      await until(() => first.output().includes("again quits at once"));
      first.child.kill("SIGINT");
      expect(await first.exited).toBe(130);

      const second = await startMesh({ ...env, LLM_BASE_URL: "" });
      const done = (await (await fetch(`${second.url}/tasks/${taskId}?wait=20`)).json()) as {
        status: string;
      };
      expect(done.status).toBe("succeeded");
      second.child.kill("SIGINT");
      expect(await second.exited).toBe(0);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it("refuses a second mesh on a data directory that is in use", async () => {
    const dir = dataDir();
    const first = await startMesh({ PORT: "0", MESH_DATA_DIR: dir });
    const second = spawn(process.execPath, [entry], {
      env: { ...process.env, PORT: "0", MESH_DATA_DIR: dir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(second);
    let stderr = "";
    second.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const code = await new Promise<number | null>((resolve) => second.once("exit", resolve));
    expect(code).toBe(2);
    expect(stderr).toContain(`MESH_DATA_DIR: ${dir} is in use by another mesh-six (pid ${first.child.pid})`);
    first.child.kill("SIGINT");
    expect(await first.exited).toBe(0);
  });

  it("refuses a bad setting with a message naming the variable, not a stack trace", async () => {
    const child = spawn(process.execPath, [entry], {
      env: { ...process.env, PORT: "eighty", MESH_DATA_DIR: dataDir() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(2);
    expect(stderr).toContain("PORT");
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

async function until(condition: () => boolean, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
