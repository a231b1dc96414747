import type { FunctionDefinition, SecretEnv } from "@mesh-six/shared/function/define";
import { variablesOf } from "@mesh-six/shared/registry/checks";
import { platformVariables } from "./environment.ts";

/** Variables every function's Service has already: the platform's. */
const everywhere: ReadonlySet<string> = new Set(platformVariables);

/**
 * What the functions that run the fleet's dependency checks (`runsDependencyChecks`: the
 * orchestrator, the gateway) must be given so the checks' URLs can be filled in: each
 * variable a check's URL names, from the Secret key its agent reads it from. Throws,
 * naming the agent, the check and the fix, for a variable the agent takes from no Secret
 * or that two agents take from different ones.
 */
export function dependencyCheckSecrets(fleet: readonly FunctionDefinition[]): SecretEnv[] {
  const found = new Map<string, { readonly secret: SecretEnv; readonly agent: string }>();
  for (const agent of fleet) {
    for (const check of agent.dependencyChecks ?? []) {
      for (const variable of variablesOf(check.url)) {
        if (everywhere.has(variable)) continue;
        const secret = (agent.secrets ?? []).find((each) => each.env === variable);
        if (!secret) {
          throw new Error(
            `function ${agent.name}: dependency check ${check.name} reads ${variable}, which is none of its secrets; add { env: "${variable}", secret: "<secret>", key: "<key>" } to its secrets, so the functions that run the check get the same value`,
          );
        }
        const earlier = found.get(variable);
        if (earlier && (earlier.secret.secret !== secret.secret || earlier.secret.key !== secret.key)) {
          throw new Error(
            `${variable} comes from secret ${earlier.secret.secret}/${earlier.secret.key} for ${earlier.agent} but ${secret.secret}/${secret.key} for ${agent.name}; one variable has one value in the functions that run the checks, so use the same key or another variable`,
          );
        }
        if (!earlier) found.set(variable, { secret: { ...secret, optional: true }, agent: agent.name });
      }
    }
  }
  return [...found.values()].map((entry) => entry.secret);
}
