import { z } from "zod";
import {
  type ConfigProblem,
  type ConfigSchema,
  checkConfig,
  configError,
  type Environment,
  type Settings,
} from "../config/read.ts";
import type { FunctionDefinition } from "./types.ts";

/** The config of a function that reads no variables of its own. */
export const noConfig = z.object({});

/** The variables a function reads besides the platform's: its `config`, or none. */
export function configOf(definition: FunctionDefinition): ConfigSchema {
  return definition.config ?? noConfig;
}

/** Whether the function's config has every variable of `piece` (e.g. `llmConfig`). */
export function includesConfig(definition: FunctionDefinition, piece: ConfigSchema): boolean {
  const shape = configOf(definition).shape;
  return Object.keys(piece.shape).every((variable) => variable in shape);
}

/** The variables of `schema` that must be set: those with neither a default nor `.optional()`. */
export function requiredVariables(schema: ConfigSchema): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([variable]) => variable);
}

/**
 * Every function's settings (`ctx.config`), by name, each read from `env` and checked by
 * its config schema. When any is wrong, one ConfigError lists every problem at once, each
 * naming the functions it stops and the variable (a shared variable once, for all).
 */
export function readFleetConfig(
  definitions: readonly FunctionDefinition[],
  env: Environment,
): Map<string, Settings> {
  const settings = new Map<string, Settings>();
  const problems = new Map<string, { readonly problem: ConfigProblem; readonly names: string[] }>();
  for (const definition of definitions) {
    const checked = checkConfig(configOf(definition), env, {
      secrets: (definition.secrets ?? []).map((secret) => secret.env),
    });
    if (checked.ok) {
      settings.set(definition.name, checked.data);
      continue;
    }
    for (const problem of checked.problems) {
      const key = `${problem.variable}\n${problem.text}`;
      const found = problems.get(key) ?? { problem, names: [] };
      found.names.push(definition.name);
      problems.set(key, found);
    }
  }
  if (problems.size === 0) return settings;
  throw configError(
    [...problems.values()].map(({ problem, names }) => ({
      ...problem,
      owner: `${names.length === 1 ? "function" : "functions"} ${names.join(", ")}`,
    })),
  );
}

/** One function's settings (`ctx.config`); throws a ConfigError naming the function and the variables. */
export function readFunctionConfig(definition: FunctionDefinition, env: Environment): Settings {
  return readFleetConfig([definition], env).get(definition.name) ?? {};
}
