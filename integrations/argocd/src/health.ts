import type { DependencyCheck } from "@mesh-six/shared/function/define";

/**
 * The dependency check of an agent that needs ArgoCD: a GET of the API server's version
 * (swagger: VersionService_Version, `/api/version`, 200 while argocd-server serves; it
 * needs no login), the base URL taken from `variable` (ARGOCD_URL) in the environment of
 * whoever runs the check. Name it in the capability's `dependencies` and declare the
 * variable in the agent's `secrets`.
 */
export function argocdDependencyCheck(
  options: { readonly name?: string; readonly variable?: string; readonly timeoutMs?: number } = {},
): DependencyCheck {
  return {
    name: options.name ?? "argocd",
    url: `{${options.variable ?? "ARGOCD_URL"}}/api/version`,
    expectStatus: 200,
    timeoutMs: options.timeoutMs ?? 1000,
  };
}
