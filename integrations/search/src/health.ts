import type { DependencyCheck } from "@mesh-six/shared/function/define";

/**
 * The dependency check of an agent that needs SearXNG: a GET of its `/healthz` (200 when
 * it serves), the base URL from `variable` (SEARXNG_URL). Name it in the capability's
 * `dependencies` and declare the variable in the agent's `secrets`.
 */
export function searxngDependencyCheck(
  options: { readonly name?: string; readonly variable?: string; readonly timeoutMs?: number } = {},
): DependencyCheck {
  return {
    name: options.name ?? "searxng",
    url: `{${options.variable ?? "SEARXNG_URL"}}/healthz`,
    expectStatus: 200,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
}
