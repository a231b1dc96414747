import type { DependencyCheck } from "@mesh-six/shared/function/define";

/**
 * The dependency check of an agent that needs Prometheus: a GET of its readiness endpoint
 * (`/-/ready`: 200 once it serves queries, 503 while starting; `/-/healthy` answers 200
 * as soon as the process runs), the base URL taken from `variable` (PROMETHEUS_URL) in
 * the environment of whoever runs the check. Name it in the capability's `dependencies`
 * and declare the variable in the agent's `secrets`.
 */
export function prometheusDependencyCheck(
  options: {
    readonly name?: string;
    readonly variable?: string;
    readonly endpoint?: "ready" | "healthy";
    readonly timeoutMs?: number;
  } = {},
): DependencyCheck {
  return {
    name: options.name ?? "prometheus",
    url: `{${options.variable ?? "PROMETHEUS_URL"}}/-/${options.endpoint ?? "ready"}`,
    expectStatus: 200,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
}
