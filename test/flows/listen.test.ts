import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { npmStartExpectingFailure, stackLine } from "../support/npm-start.ts";

const entry = new URL("../../cli/src/start.ts", import.meta.url).pathname;
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** `npm start`'s entry as a process; resolves with its port and the fields of its ready line. */
function start(env: Record<string, string>): Promise<{ port: number; fields: Record<string, unknown> }> {
  const dir = mkdtempSync(join(tmpdir(), "mesh-listen-"));
  dirs.push(dir);
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, PORT: "0", MESH_DATA_DIR: dir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split("\n").find((each) => each.includes("mesh-six is ready at"));
      if (line) {
        const fields = JSON.parse(line) as Record<string, unknown>;
        resolve({ port: Number(/:(\d+)$/.exec(String(fields.url))![1]), fields });
      }
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
}

/** An IPv4 address of this machine that is not loopback, if it has one. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((address) => address && address.family === "IPv4" && !address.internal)?.address;

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("where npm start listens", () => {
  it("listens on 127.0.0.1 by default, so other machines cannot reach it without any setup", async () => {
    const { port, fields } = await start({});
    expect(fields).toMatchObject({ listen: "127.0.0.1", apiKeys: 0 });
    expect(await reachable("127.0.0.1", port)).toBe(true);
    if (external) expect(await reachable(external, port)).toBe(false);
  });

  it("refuses another address without API keys, naming HOST and MESH_API_KEYS", async () => {
    const { code, output } = await npmStartExpectingFailure({ HOST: "0.0.0.0" });
    expect(code).toBe(2);
    expect(output).toContain(
      "HOST: is 0.0.0.0, which is not a loopback address: other machines could reach the mesh, and MESH_API_KEYS is not set",
    );
    expect(output).toContain("Set MESH_API_KEYS (comma-separated name:key:scope[+scope]");
    expect(output).not.toMatch(stackLine);
  });

  it("stops naming MESH_API_KEYS for a malformed entry, without repeating any key", async () => {
    const { code, output } = await npmStartExpectingFailure({
      MESH_API_KEYS: "ops:tiny-secret:read,ci:0123456789abcdef0123:deploy",
    });
    expect(code).toBe(2);
    expect(output).toContain(
      "MESH_API_KEYS: entry 1 (ops): the key must be at least 16 printable characters",
    );
    expect(output).toContain("entry 2 (ci): unknown scope 'deploy'; scopes are read, write, admin, approve");
    expect(output).not.toContain("tiny-secret");
    expect(output).not.toContain("0123456789abcdef0123");
  });

  it("listens on HOST=0.0.0.0 with API keys, and then every route but /healthz wants a key", async () => {
    const { port, fields } = await start({
      HOST: "0.0.0.0",
      MESH_API_KEYS: "ops:0123456789abcdef0123:read+write+admin",
    });
    expect(fields).toMatchObject({ listen: "0.0.0.0", apiKeys: 1 });
    const host = external ?? "127.0.0.1";
    expect((await fetch(`http://${host}:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://${host}:${port}/tasks`)).status).toBe(401);
    const listed = await fetch(`http://${host}:${port}/tasks`, {
      headers: { authorization: "Bearer 0123456789abcdef0123" },
    });
    expect(listed.status).toBe(200);
  });
});
