import type { z } from "zod";
import { ConfigError } from "../errors.ts";
import { explainIssue } from "./explain.ts";

/** The environment a configuration is read from: `process.env`, or a test's own. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** A configuration schema: one zod field per environment variable, named as the variable. */
export type ConfigSchema = z.ZodObject;

/** A function's own settings: its config schema's output, as a host holds it. */
export type Settings = Readonly<Record<string, unknown>>;

/** One wrong or missing variable, in words a person can act on. */
export interface ConfigProblem {
  readonly variable: string;
  readonly text: string;
  /** Whose variable it is, e.g. `function general-agent`; the host's when undefined. */
  readonly owner?: string;
}

/** Variables whose values are never repeated in an error message. */
export const secretVariables: ReadonlySet<string> = new Set([
  "MESH_API_KEYS",
  "MESH_EVENT_KEY",
  "LLM_API_KEY",
  "LLM_API_KEY_LOCAL",
  "LLM_API_KEY_MID",
  "LLM_API_KEY_STRONG",
  "EMBEDDING_API_KEY",
  "UPSTASH_REDIS_REST_TOKEN",
]);

export interface ReadOptions {
  /** More variables whose values are secrets (a function's `secrets`). */
  readonly secrets?: Iterable<string>;
}

/** The variables of `env` that are set: an empty value counts as unset. */
export function presentIn(env: Environment): Record<string, string> {
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(env))
    if (value !== undefined && value !== "") present[name] = value;
  return present;
}

/**
 * Parses `schema` over `env`: the values, or every problem at once, each naming the
 * variable, what it must be, what it got (never a secret's value) and what it is for.
 */
export function checkConfig<Schema extends ConfigSchema>(
  schema: Schema,
  env: Environment,
  options: ReadOptions = {},
):
  | { readonly ok: true; readonly data: z.output<Schema> }
  | { readonly ok: false; readonly problems: ConfigProblem[] } {
  const present = presentIn(env);
  const result = schema.safeParse(present);
  if (result.success) return { ok: true, data: result.data };
  const secrets = new Set([...secretVariables, ...(options.secrets ?? [])]);
  const problems = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? "environment");
    const field = schema.shape[variable];
    const value = present[variable];
    const shown = value !== undefined && secrets.has(variable) ? { secret: true as const } : value;
    return { variable, text: explainIssue(issue, shown, field?.description) };
  });
  return { ok: false, problems };
}

/** One ConfigError for every problem: the first names the setting, the rest follow on their own lines. */
export function configError(problems: readonly ConfigProblem[]): ConfigError {
  const [first, ...rest] = problems;
  const line = (problem: ConfigProblem) =>
    `${problem.owner ? `${problem.owner}: ` : ""}${problem.variable}: ${problem.text}`;
  const more = rest.map((problem) => `\n  ${line(problem)}`).join("");
  return new ConfigError(
    first?.variable ?? "environment",
    `${first?.text ?? "invalid"}${more}`,
    first?.owner ? { owner: first.owner } : {},
  );
}

/** Reads `schema` from `env` once; throws a ConfigError listing every problem. */
export function readConfig<Schema extends ConfigSchema>(
  schema: Schema,
  env: Environment = process.env,
  options: ReadOptions = {},
): z.output<Schema> {
  const checked = checkConfig(schema, env, options);
  if (checked.ok) return checked.data;
  throw configError(checked.problems);
}
