import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface ConsumerProcess {
  readonly name: string;
  /** Crashes it: no draining, no commits, no leaving the group. */
  kill(): Promise<void>;
  /** Stops it cleanly (SIGTERM): in-flight deliveries finish, offsets are committed. */
  stop(): Promise<void>;
}

const script = fileURLToPath(new URL("./consumer-host.ts", import.meta.url));

/** Starts consumer-host.ts in its own Node process; resolves once its consumer groups joined. */
export async function startConsumerProcess(
  name: string,
  env: Readonly<Record<string, string>>,
): Promise<ConsumerProcess> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env, CRASH_CONSUMER: name },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      if (line === "ready") resolve();
    });
    child.once("exit", (code, signal) =>
      reject(new Error(`consumer ${name} exited (${code ?? signal}) before it was ready`)),
    );
  });
  return {
    name,
    kill: () => end(child, "SIGKILL"),
    stop: () => end(child, "SIGTERM"),
  };
}

function end(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  return exited;
}
