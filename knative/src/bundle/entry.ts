import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import type { Migration } from "@mesh-six/sql";
import type { AgentRegistration } from "../serve/migrate.ts";
import type { LocatedFunction } from "./locate.ts";

/** The entry of a function's bundle: its definition, started as a Knative Service. */
export function functionEntry(located: LocatedFunction): string {
  return [
    `import { ${located.exportName} as definition } from ${JSON.stringify(located.packageName)};`,
    'import { startKnativeFunction } from "../serve/start.ts";',
    "await startKnativeFunction(definition);",
    "",
  ].join("\n");
}

/**
 * The entry of the migration Job's bundle, with the SQL of every migration and the
 * capabilities of every agent inlined: the image holds one file, and no function code.
 */
export function migrateEntry(migrations: readonly Migration[], fleet: readonly FunctionDefinition[]): string {
  return [
    'import { runMigrationJob } from "../serve/migrate.ts";',
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
