import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadMigrations, type Migration } from "@mesh-six/sql";
import { errorMessage } from "../errors.ts";

const repository = new URL("../../../", import.meta.url);
/** Kept beside the installed packages, so deleting MESH_DATA_DIR to start over keeps it. */
export const templateFolder = fileURLToPath(new URL("node_modules/.cache/mesh-six/", repository));
const maker = fileURLToPath(new URL("./pglite-template-make.ts", import.meta.url));

/**
 * The name of the template for this PGlite, pgvector and set of migrations: a new one
 * whenever any of them changes.
 */
export function templateName(migrations: readonly Migration[] = loadMigrations()): string {
  const version = (name: string) =>
    (
      JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, repository), "utf8")) as {
        version: string;
      }
    ).version;
  const hash = createHash("sha256");
  for (const migration of migrations)
    hash.update(`${migration.version}\0${migration.name}\0${migration.sql}\0`);
  const pglite = version("@electric-sql/pglite");
  const pgvector = version("@electric-sql/pglite-pgvector");
  return `pglite-${pglite}-pgvector-${pgvector}-migrations-${hash.digest("hex").slice(0, 12)}`;
}

/**
 * A PGlite data directory after initdb and every migration, cleanly shut down: made once
 * (in a child process, so its initdb's memory is not this process's), then reused. Two
 * processes making it at once each write their own copy aside; the first rename wins.
 * Older templates are removed.
 */
export async function pgliteTemplate(migrations: readonly Migration[] = loadMigrations()): Promise<string> {
  const name = templateName(migrations);
  const folder = join(templateFolder, name);
  if (existsSync(join(folder, "PG_VERSION"))) return folder;
  mkdirSync(templateFolder, { recursive: true });
  const partial = join(templateFolder, `${name}.${process.pid}.partial`);
  rmSync(partial, { recursive: true, force: true });
  try {
    await makeTemplate(partial);
    renameSync(partial, folder);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(join(folder, "PG_VERSION"))) throw error;
  }
  for (const other of readdirSync(templateFolder)) {
    if (
      other.startsWith("pglite-") &&
      other !== name &&
      !other.endsWith(".partial") &&
      !other.endsWith(".tar")
    ) {
      rmSync(join(templateFolder, other), { recursive: true, force: true });
    }
  }
  return folder;
}

/**
 * Starts a new data directory as a copy of the template instead of running initdb and the
 * migrations (seconds, and twice the memory): a no-op when `dataDir` holds a database.
 * When the template cannot be made, the caller's PGlite runs initdb itself; the warning
 * says why.
 */
export async function startFromTemplate(dataDir: string): Promise<boolean> {
  if (existsSync(join(dataDir, "PG_VERSION"))) return false;
  try {
    const template = await pgliteTemplate();
    cpSync(template, dataDir, { recursive: true });
    return true;
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    process.emitWarning(`PGlite runs initdb itself: no template database (${errorMessage(error)})`);
    return false;
  }
}

function makeTemplate(target: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // Liftoff only: a short run, where optimising PGlite's WebAssembly would cost more than it saves
    const child = spawn(process.execPath, ["--liftoff-only", maker, target], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`making it exited with ${code}: ${stderr.trim()}`)),
    );
  });
}
