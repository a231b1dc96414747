import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MeshEvent } from "@mesh-six/events";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { type BuiltBundle, bundleFleet, migrateBundleName } from "../bundle/fleet.ts";
import { startWireDatabase, type WireDatabase } from "./database.ts";
import { isolate, runBundle } from "./processes.ts";
import { startTestSink, type TestSink } from "./sink.ts";

/** Bundles built into a temporary folder, a migrated database and a K_SINK to run them against. */
export interface BundleEnvironment {
  readonly bundles: ReadonlyMap<string, BuiltBundle>;
  readonly database: WireDatabase;
  readonly sink: TestSink;
  /** The ids of the follow-ups `definition` put in its outbox for `cause`, in order. */
  followUpIds(definition: FunctionDefinition, cause: MeshEvent): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Bundles the named functions of `fleet` (all when none is named) and the migration Job,
 * starts PGlite over the wire and a test sink, and runs the migration Job's bundle alone in
 * an empty directory against the database, as the Job runs before the Services.
 */
export async function startBundleEnvironment(
  fleet: readonly FunctionDefinition[],
  names: readonly string[] = [],
): Promise<BundleEnvironment> {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 24) throw new Error(`run with Node 24 (npx vitest, npm run); this is Node ${process.version}`);
  const outDir = mkdtempSync(join(tmpdir(), "mesh-six-dist-"));
  const wanted = names.length === 0 ? [] : [...names, migrateBundleName];
  const bundles = new Map((await bundleFleet(fleet, outDir, wanted)).map((bundle) => [bundle.name, bundle]));
  const database = await startWireDatabase();
  const sink = await startTestSink();
  const stop = async () => {
    await sink.close();
    await database.stop();
    rmSync(outDir, { recursive: true, force: true });
  };
  const job = runBundle(isolate(bundles.get(migrateBundleName)!.file), { DATABASE_URL: database.url });
  const code = await job.exited;
  if (code !== 0) {
    await stop();
    throw new Error(`the migration Job's bundle exited with ${code}:\n${job.output()}`);
  }
  return {
    bundles,
    database,
    sink,
    async followUpIds(definition, cause) {
      const { rows } = await database.pglite.query<{ event_id: string }>(
        "SELECT event_id FROM outbox WHERE function_name = $1 AND cause_source = $2 AND cause_id = $3 ORDER BY id",
        [definition.name, cause.source, cause.id],
      );
      return rows.map((row) => row.event_id);
    },
    stop,
  };
}
