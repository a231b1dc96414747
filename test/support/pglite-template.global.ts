import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freshClusterDump } from "@mesh-six/shared/db/pglite";
import { pgliteTemplate } from "@mesh-six/shared/db/pglite-template";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  interface ProvidedContext {
    /** A file holding a dump of a freshly initialised PGlite data directory. */
    pgliteTemplate: string;
  }
}

const root = new URL("../../", import.meta.url);

/**
 * Every PGlite a test opens starts from a copy of one fresh data directory
 * (pglite-template.setup.ts) instead of running initdb, which takes seconds each. The
 * dump depends only on PGlite's version, so it is made once per version and kept in
 * node_modules/.cache for later runs. The databases are the same; migrations still run
 * in each.
 */
export default async function setup(project: TestProject): Promise<void> {
  const pglite = new URL("node_modules/@electric-sql/pglite/package.json", root);
  const { version } = JSON.parse(readFileSync(pglite, "utf8")) as { version: string };
  const directory = new URL("node_modules/.cache/mesh-six/", root);
  const file = fileURLToPath(new URL(`pglite-${version}-fresh-cluster.tar`, directory));
  if (!existsSync(file)) {
    mkdirSync(directory, { recursive: true });
    // written aside and renamed, so a run beside this one never reads half a file
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, new Uint8Array(await (await freshClusterDump()).arrayBuffer()));
    renameSync(partial, file);
  }
  project.provide("pgliteTemplate", file);
  // what a new MESH_DATA_DIR starts as (createDb): made here once, not by the files racing
  await pgliteTemplate();
}
