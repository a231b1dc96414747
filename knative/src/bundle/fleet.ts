import { llmConfig } from "@mesh-six/shared/config/llm";
import { memoryConfig } from "@mesh-six/shared/config/memory";
import { includesConfig } from "@mesh-six/shared/function/config";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { loadMigrations } from "@mesh-six/sql";
import { type BundleResult, bundleEntry } from "./build.ts";
import { functionEntry, migrateEntry } from "./entry.ts";
import { locateFunction } from "./locate.ts";

/** The migration Job's bundle is built beside the functions' under this name. */
export const migrateBundleName = "migrate";

export interface BuiltBundle extends BundleResult {
  readonly name: string;
}

/** Bundles one function of the fleet into `<outDir>/<name>/index.mjs`. */
export async function bundleFunction(definition: FunctionDefinition, outDir: string): Promise<BuiltBundle> {
  const located = await locateFunction(definition);
  // the LLM and memory code only in the bundles of functions that use them
  const withServices = includesConfig(definition, llmConfig) || includesConfig(definition, memoryConfig);
  const result = await bundleEntry(functionEntry(located, withServices), `${outDir}/${definition.name}`);
  return { name: definition.name, ...result };
}

/** Bundles the migration Job into `<outDir>/migrate/index.mjs`. */
export async function bundleMigrations(
  fleet: readonly FunctionDefinition[],
  outDir: string,
): Promise<BuiltBundle> {
  const result = await bundleEntry(migrateEntry(loadMigrations(), fleet), `${outDir}/${migrateBundleName}`);
  return { name: migrateBundleName, ...result };
}

/** Bundles the named functions (all of the fleet when none is named) and the migration Job. */
export async function bundleFleet(
  fleet: readonly FunctionDefinition[],
  outDir: string,
  names: readonly string[] = [],
): Promise<BuiltBundle[]> {
  const known = new Set([...fleet.map((definition) => definition.name), migrateBundleName]);
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(`no function named ${unknown.join(", ")} in the fleet; known: ${[...known].join(", ")}`);
  }
  const wanted = (name: string) => names.length === 0 || names.includes(name);
  const built: BuiltBundle[] = [];
  for (const definition of fleet) {
    if (wanted(definition.name)) built.push(await bundleFunction(definition, outDir));
  }
  if (wanted(migrateBundleName)) built.push(await bundleMigrations(fleet, outDir));
  return built;
}
