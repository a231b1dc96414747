import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { access } from "node:fs/promises";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";

/** Runs a command to completion, printing it first; rejects with its output when it fails. */
export async function run(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { readonly log?: (line: string) => void; readonly quiet?: boolean } = {},
): Promise<string> {
  options.log?.(`$ ${[command, ...args].join(" ")}`);
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk;
    if (!options.quiet) process.stdout.write(chunk);
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk;
    if (!options.quiet) process.stderr.write(chunk);
  });
  const code = await exited(child);
  if (code !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited with ${code}:\n${output.slice(-4_000)}`);
  }
  return output;
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : null)));
  });
}

/** The path of a program on PATH (or in `extra` directories), or undefined. */
export async function which(program: string, extra: readonly string[] = []): Promise<string | undefined> {
  const directories = [...extra, ...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/sbin"];
  for (const directory of directories) {
    const candidate = join(directory, program);
    try {
      await access(candidate);
      return candidate;
    } catch {}
  }
  return undefined;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== "object" || address === null) throw new Error("could not find a free port");
  return address.port;
}

/** Polls `check` until it resolves true; gives up after `attempts` tries 100 ms apart. */
export async function waitFor(what: string, check: () => Promise<boolean>, attempts = 300): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not become ready`);
}
