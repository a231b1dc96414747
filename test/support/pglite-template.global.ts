import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshClusterDump } from "@mesh-six/shared/db/pglite";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  interface ProvidedContext {
    /** A file holding a dump of a freshly initialised PGlite data directory. */
    pgliteTemplate: string;
  }
}

/**
 * Runs initdb once per test run: every PGlite a test opens starts from a copy of this
 * fresh data directory (pglite-template.setup.ts) instead of initialising its own, which
 * takes seconds each. The databases are the same; migrations still run in each.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const directory = mkdtempSync(join(tmpdir(), "mesh-pglite-template-"));
  const file = join(directory, "fresh-cluster.tar");
  writeFileSync(file, new Uint8Array(await (await freshClusterDump()).arrayBuffer()));
  project.provide("pgliteTemplate", file);
  return () => rmSync(directory, { recursive: true, force: true });
}
