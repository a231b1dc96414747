import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import type { Migration } from "@mesh-six/sql";
import type { AgentRegistration } from "../serve/migrate.ts";
import type { LocatedFunction } from "./locate.ts";

/**
 * The entry of a function's bundle: its definition, loaded as a Knative Service runs it,
 * and the HTTP function exported under the function's name, which is where the
 * functions-framework's loader looks for `--target=<name>` (buildpacks, `kn func`).
 * `node index.mjs` (the Dockerfile's command) serves it with the framework's server too.
 * A function whose config includes the LLM's or memory's variables also gets those ports.
 * `node index.mjs --fill-compile-cache` (the image's build) writes the compiled code and exits.
 */
export function functionEntry(located: LocatedFunction, withServices: boolean): string {
  return [
    `import { ${located.exportName} as definition } from ${JSON.stringify(located.packageName)};`,
    'import { fillCompileCache, fillCompileCacheFlag } from "../serve/compile-cache.ts";',
    'import { loadKnativeFunction } from "../serve/start.ts";',
    "if (import.meta.main && process.argv.includes(fillCompileCacheFlag)) fillCompileCache();",
    ...(withServices
      ? [
          'import { functionServices } from "../serve/agent-services.ts";',
          "const httpFunction = await loadKnativeFunction(definition, { serve: import.meta.main, services: functionServices });",
        ]
      : ["const httpFunction = await loadKnativeFunction(definition, { serve: import.meta.main });"]),
    `export { httpFunction as ${JSON.stringify(located.name)} };`,
    "",
  ].join("\n");
}

/**
 * The entry of the migration Job's bundle, with the SQL of every migration and the
 * capabilities of every agent inlined: the image holds one file, and no function code.
 */
export function migrateEntry(migrations: readonly Migration[], fleet: readonly FunctionDefinition[]): string {
  return [
    'import { fillCompileCache, fillCompileCacheFlag } from "../serve/compile-cache.ts";',
    'import { runMigrationJob } from "../serve/migrate.ts";',
    "if (process.argv.includes(fillCompileCacheFlag)) fillCompileCache();",
    `await runMigrationJob(${JSON.stringify(migrations)}, ${JSON.stringify(agentRegistrations(fleet))});`,
    "",
  ].join("\n");
}

/**
 * What the migration Job writes to the registry for each agent of the fleet: its
 * capabilities and its dependency checks, which are plain data (an HTTP probe each), so
 * the orchestrator can run them although their agent's code is not in its image.
 */
export function agentRegistrations(fleet: readonly FunctionDefinition[]): AgentRegistration[] {
  return fleet
    .filter((definition) => (definition.capabilities ?? []).length > 0)
    .map((definition) => ({
      name: definition.name,
      description: definition.description,
      capabilities: definition.capabilities ?? [],
      dependencyChecks: definition.dependencyChecks ?? [],
    }));
}
