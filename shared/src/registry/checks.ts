import type { DependencyCheck, FunctionDefinition } from "../function/define.ts";

/**
 * The dependency checks this process can run, by agent. Check code lives in the
 * function definitions; whoever registers the fleet (the embedded host at start, the
 * orchestrator's bundle in a cluster) remembers them here so routing can run them.
 */
const known = new Map<string, ReadonlyMap<string, DependencyCheck>>();

export function rememberDependencyChecks(definition: FunctionDefinition): void {
  const checks = new Map((definition.dependencyChecks ?? []).map((check) => [check.name, check] as const));
  known.set(definition.name, checks);
}

/** The check `name` of `agent`, or undefined when this process does not know it. */
export function dependencyCheckOf(agent: string, name: string): DependencyCheck | undefined {
  return known.get(agent)?.get(name);
}
