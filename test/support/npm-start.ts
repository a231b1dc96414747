import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("../../", import.meta.url).pathname;

// Settings of the environment the tests run in that must not leak into the started mesh.
const inherited = ["DATABASE_URL", "DATABASE_DRIVER", "UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN"];

export interface FailedStart {
  readonly code: number | null;
  /** What it wrote to stdout and stderr. */
  readonly output: string;
}

/**
 * Runs `npm start` in the repository with `env` (a fresh MESH_DATA_DIR, PORT=0) and
 * waits for it to exit: for configurations that must stop it at start-up. Should it come
 * up instead, it is stopped and the result says so (code null, its ready line in output).
 */
export async function npmStartExpectingFailure(env: Record<string, string>): Promise<FailedStart> {
  const directory = mkdtempSync(join(tmpdir(), "mesh-start-config-"));
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !inherited.includes(name)));
  const child = spawn("npm", ["start", "--silent"], {
    cwd: root,
    env: { ...base, PORT: "0", MESH_DATA_DIR: directory, LOG_LEVEL: "error", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    if (/mesh-six is ready at/.test(output)) child.kill("SIGTERM");
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (exitCode) => resolve(exitCode));
    });
    return { code: /mesh-six is ready at/.test(output) ? null : code, output };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** A line of a JavaScript stack trace. */
export const stackLine = /^\s+at .+:\d+:\d+\)?$/m;
