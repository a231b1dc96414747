import { rateLimitConfig } from "../config/access.ts";
import type { ConfigSchema } from "../config/read.ts";
import { expandRun } from "../run/expand.ts";
import { configOf, includesConfig, type noConfig } from "./config.ts";
import type { FunctionDefinition } from "./types.ts";

export type * from "./types.ts";

/** What Kubernetes and the shells accept as an environment variable's name. */
const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A function's definition, checked by its type: the handler, run and HTTP routes get its
 * `config` parsed, typed as the schema says. A definition with a `run` comes back as an
 * ordinary one: the run's handler, and the subscriptions and emitted types it needs.
 * Throws for a config the hosts could not give it: a variable name no environment holds,
 * or a public function without the rate limit's variables.
 */
export function defineFunction<
  Config extends ConfigSchema = typeof noConfig,
  const Definition extends FunctionDefinition<Config> = FunctionDefinition<Config>,
>(definition: Definition & FunctionDefinition<Config>): Definition {
  const wrong = Object.keys(configOf(definition).shape).find((variable) => !variableName.test(variable));
  if (wrong !== undefined) {
    throw new Error(
      `function ${definition.name}: config variable "${wrong}" is not an environment variable name; use letters, digits and _ (e.g. GITHUB_TOKEN)`,
    );
  }
  if (definition.public && !includesConfig(definition, rateLimitConfig)) {
    throw new Error(
      `function ${definition.name} is public, so its host rate-limits it with RATE_LIMIT_PER_MINUTE and TRUSTED_PROXIES; add them to its config: z.object({ ...rateLimitConfig.shape, … }) (shared/src/config/access.ts)`,
    );
  }
  return definition.run ? (expandRun(definition) as Definition) : definition;
}
