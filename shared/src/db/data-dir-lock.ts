import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError, errorMessage } from "../errors.ts";

const held = new Set<string>();

/**
 * Takes `MESH_DATA_DIR` for this process: PGlite is one Postgres with one writer, and two
 * processes on one folder corrupt it. A lock left by a process that is gone is taken over.
 * Returns the release function.
 */
export function lockDataDir(directory: string): () => void {
  const folder = resolve(directory);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new ConfigError(
      "MESH_DATA_DIR",
      `cannot create ${directory} (${errorMessage(error)}); point it at a folder this process can write`,
    );
  }
  const file = join(folder, "mesh-six.lock");
  if (held.has(folder)) throw inUse(directory, process.pid);
  const owner = readOwner(file);
  if (owner !== undefined && owner !== process.pid && isAlive(owner)) throw inUse(directory, owner);
  try {
    writeFileSync(file, `${process.pid}\n`);
  } catch (error) {
    throw new ConfigError(
      "MESH_DATA_DIR",
      `cannot write in ${directory} (${errorMessage(error)}); point it at a folder this process can write`,
    );
  }
  held.add(folder);
  return () => {
    held.delete(folder);
    if (readOwner(file) === process.pid) rmSync(file, { force: true });
  };
}

function inUse(directory: string, pid: number): ConfigError {
  return new ConfigError(
    "MESH_DATA_DIR",
    `${directory} is in use by another mesh-six (pid ${pid}); stop that one, or give this one its own MESH_DATA_DIR`,
  );
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
