import type { FunctionDefinition } from "@mesh-six/shared/function/define";

/** Where a function of the fleet is defined: its package and the export holding its definition. */
export interface LocatedFunction {
  readonly name: string;
  readonly packageName: string;
  readonly exportName: string;
}

/** The package a function lives in: `functions/<name>` is `@mesh-six/function-<name>`. */
export function packageNameOf(functionName: string): string {
  return `@mesh-six/function-${functionName}`;
}

/**
 * Finds the export of `@mesh-six/function-<name>` that is this very definition, so the
 * bundle imports that one package and nothing else of the fleet.
 */
export async function locateFunction(definition: FunctionDefinition): Promise<LocatedFunction> {
  const packageName = packageNameOf(definition.name);
  let module: Record<string, unknown>;
  try {
    module = (await import(packageName)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `function ${definition.name} is in the fleet but package ${packageName} cannot be loaded (${reason}); ` +
        `a function lives in functions/${definition.name} with "name": "${packageName}" in its package.json`,
    );
  }
  const exportName = Object.keys(module).find((key) => module[key] === definition);
  if (!exportName) {
    throw new Error(
      `package ${packageName} does not export the definition of function ${definition.name} that the fleet lists; export it from functions/${definition.name}/src/index.ts`,
    );
  }
  return { name: definition.name, packageName, exportName };
}
