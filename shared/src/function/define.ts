import { expandRun } from "../run/expand.ts";
import type { FunctionDefinition } from "./types.ts";

export type * from "./types.ts";

/**
 * A function's definition, checked by its type. A definition with a `run` comes back as
 * an ordinary one: the run's handler, and the subscriptions and emitted types it needs.
 */
export function defineFunction<const Definition extends FunctionDefinition>(
  definition: Definition,
): Definition {
  return definition.run ? expandRun(definition) : definition;
}
