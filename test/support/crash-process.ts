import { type ChildProcess, spawn } from "node:child_process";

const entry = new URL("./crash-host.ts", import.meta.url).pathname;

/** The crash host as a child process the suite can kill. */
export interface CrashHost {
  readonly child: ChildProcess;
  readonly port: number;
  readonly output: () => string;
  /** Resolves with the exit code; 137 when it was killed with SIGKILL. */
  readonly exited: Promise<number | null>;
}

/** Starts test/support/crash-host.ts with `env` on top of this process's, and waits for its ready line. */
export function startCrashHost(env: Record<string, string>, children: ChildProcess[]): Promise<CrashHost> {
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, PORT: "0", LOG_LEVEL: "error", ...env },
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
