import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import type { Migration } from "@mesh-six/sql";
import type { AgentRegistration } from "../serve/migrate.ts";
import type { LocatedFunction } from "./locate.ts";

/**
 * The entry of a function's bundle: its definition, loaded as a Knative Service runs it,
 * and the HTTP function exported under the function's name, which is where the
 * functions-framework's loader looks for `--target=<name>` (buildpacks, `kn func`).
 * `node index.mjs` (the Dockerfile's command) serves it with the framework's server too.
 * An agent (a function offering capabilities) also gets the LLM and memory.
 */
export function functionEntry(located: LocatedFunction, agent: boolean): string {
  return [
    `import { ${located.exportName} as definition } from ${JSON.stringify(located.packageName)};`,
    'import { loadKnativeFunction } from "../serve/start.ts";',
    ...(agent
      ? [
          'import { agentServices } from "../serve/agent-services.ts";',
          "const httpFunction = await loadKnativeFunction(definition, { serve: import.meta.main, services: agentServices });",
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
  const agents: AgentRegistration[] = fleet
    .filter((definition) => (definition.capabilities ?? []).length > 0)
    .map((definition) => ({
      name: definition.name,
      description: definition.description,
      capabilities: definition.capabilities ?? [],
      dependencyChecks: (definition.dependencyChecks ?? []).map((check) => check.name),
    }));
  return [
    'import { runMigrationJob } from "../serve/migrate.ts";',
    `await runMigrationJob(${JSON.stringify(migrations)}, ${JSON.stringify(agents)});`,
    "",
  ].join("\n");
}
