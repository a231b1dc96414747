import { type ChildProcess, spawn } from "node:child_process";
import type { CrashPoint } from "./crash-functions.ts";

const entry = new URL("./crash-host.ts", import.meta.url).pathname;

/** A running crash host (test/support/crash-host.ts) in its own process. */
export interface CrashHost {
  readonly child: ChildProcess;
  readonly port: number;
  readonly output: () => string;
  /** Resolves with the exit code, 137 when it was killed with SIGKILL. */
  readonly exited: Promise<number | null>;
}

export interface CrashHostOptions {
  readonly databaseUrl: string;
  readonly dataDir: string;
  readonly crash?: `${CrashPoint}:${string}`;
  /** More variables for the host (an LLM endpoint, a run crash point, …). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Starts the crash host on the given database and data folder and waits for its ready line. */
export function startCrashHost(options: CrashHostOptions, children: ChildProcess[]): Promise<CrashHost> {
  const child = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      MESH_DATA_DIR: options.dataDir,
      PORT: "0",
      LOG_LEVEL: "error",
      MESH_TEST_CRASH: options.crash ?? "",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal === "SIGKILL" ? 137 : code)),
  );
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const ready = /crash-host ready (\d+)/.exec(output);
      if (ready) resolve({ child, port: Number(ready[1]), output: () => output, exited });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((code) =>
      reject(new Error(`the host exited with ${code} before it was ready:\n${output}`)),
    );
  });
}

/** POSTs one event to the host's broker ingress in binary mode, as `kn event send` would. */
export function sendEvent(host: CrashHost, type: string, id: string, data: unknown): Promise<Response> {
  return fetch(`http://127.0.0.1:${host.port}/mesh-six/default`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "ce-specversion": "1.0",
      "ce-id": id,
      "ce-source": "/test/crash",
      "ce-type": type,
    },
    body: JSON.stringify(data),
  });
}

/** True once the process has exited or was killed. */
export function isGone(host: CrashHost): boolean {
  return host.child.exitCode !== null || host.child.signalCode !== null;
}
