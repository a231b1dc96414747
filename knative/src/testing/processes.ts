import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Copies a bundle alone into a new empty directory, with no node_modules in it or above
 * it, so it can only run on what it carries.
 */
export function isolate(bundleFile: string): string {
  const directory = mkdtempSync(join(tmpdir(), "mesh-six-bundle-"));
  for (let at = directory; ; at = dirname(at)) {
    if (existsSync(join(at, "node_modules"))) {
      throw new Error(`${at} holds a node_modules folder; the bundle would not be isolated there`);
    }
    if (dirname(at) === at) break;
  }
  copyFileSync(bundleFile, join(directory, "index.mjs"));
  const contents = readdirSync(directory);
  if (contents.length !== 1)
    throw new Error(`expected only index.mjs in ${directory}, found ${contents.join(", ")}`);
  return directory;
}

export interface RunningBundle {
  readonly process: ChildProcess;
  readonly output: () => string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/**
 * Runs `index.mjs` (or `args`) in `directory` with this process's Node (24) and only
 * `env`: no inherited variables, so nothing leaks in from the test's environment.
 */
export function runBundle(
  directory: string,
  env: Record<string, string>,
  args: readonly string[] = ["index.mjs"],
): RunningBundle {
  const child = spawn(process.execPath, args, {
    cwd: directory,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    process: child,
    output: () => output,
    exited,
    stop: () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

/** Resolves once `text` appears in the output; rejects with the output if the process exits first. */
export function waitForOutput(bundle: RunningBundle, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (bundle.output().includes(text)) {
        cleanup();
        resolve();
      }
    };
    const exited = (code: number | null) => {
      cleanup();
      reject(new Error(`the bundle exited (${code}) before printing "${text}":\n${bundle.output()}`));
    };
    const cleanup = () => {
      bundle.process.stdout?.off("data", check);
      bundle.process.off("exit", exited);
    };
    bundle.process.stdout?.on("data", check);
    bundle.process.once("exit", exited);
    check();
  });
}
