import type { DependencyCheck } from "@mesh-six/shared/function/define";

/**
 * The dependency check of an agent that needs GitHub: a GET of the API's root (200 when
 * it answers), the base URL from `variable` (GITHUB_API_URL) in the environment of whoever
 * runs the check. Name it in the capability's `dependencies` and declare the variable in the agent's `secrets`.
 */
export function githubDependencyCheck(
  options: { readonly name?: string; readonly variable?: string; readonly timeoutMs?: number } = {},
): DependencyCheck {
  return {
    name: options.name ?? "github",
    url: `{${options.variable ?? "GITHUB_API_URL"}}/`,
    expectStatus: 200,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
}
