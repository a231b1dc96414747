import { chmodSync, readdirSync, statSync } from "node:fs";
import { flushCompileCache, getCompileCacheDir } from "node:module";
import { join } from "node:path";

/** The flag of the Dockerfile's last build step: `node /app/index.mjs --fill-compile-cache`. */
export const fillCompileCacheFlag = "--fill-compile-cache";

/**
 * Writes V8's compiled code of the bundle to `NODE_COMPILE_CACHE` and exits 0, before any
 * configuration is read: the image's build runs this once, so every cold start loads the
 * megabyte of JavaScript compiled instead of compiling it again (the largest share of a
 * cold start). The files are made readable by every user, as the image runs as `node`.
 * Node checks each entry against the file's contents and recompiles on a mismatch, so a
 * stale or foreign cache costs the compile, never correctness.
 */
export function fillCompileCache(): never {
  const directory = getCompileCacheDir();
  if (!directory) {
    process.stderr.write(
      `${fillCompileCacheFlag}: set NODE_COMPILE_CACHE to the folder the image keeps the compiled code in\n`,
    );
    process.exit(2);
  }
  flushCompileCache();
  readableByAll(directory);
  process.stdout.write(`compile cache written to ${directory}\n`);
  process.exit(0);
}

function readableByAll(path: string): void {
  const directory = statSync(path).isDirectory();
  chmodSync(path, directory ? 0o755 : 0o644);
  if (directory) for (const entry of readdirSync(path)) readableByAll(join(path, entry));
}
