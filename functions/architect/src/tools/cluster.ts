import { readFile } from "node:fs/promises";
import { tool } from "@mesh-six/shared/agent";
import { z } from "zod";
import { createKubernetesClusterState } from "../cluster/kubernetes.ts";
import type { ClusterState } from "../cluster/port.ts";
import type { ArchitectConfig } from "../config.ts";

const notConfigured = {
  configured: false,
  message:
    "The cluster is not configured (KUBERNETES_API_URL is unset): there is no cluster state to rely on; say so and recommend without it",
} as const;

/** The cluster for a run's configuration; undefined when KUBERNETES_API_URL is unset. */
export async function clusterOf(
  config: ArchitectConfig,
  fetch?: typeof globalThis.fetch,
): Promise<ClusterState | undefined> {
  if (!config.KUBERNETES_API_URL) return undefined;
  const token =
    config.KUBERNETES_TOKEN ?? (await readFile(config.KUBERNETES_TOKEN_FILE, "utf8").catch(() => undefined));
  return createKubernetesClusterState({
    baseUrl: config.KUBERNETES_API_URL,
    ...(token ? { token: token.trim() } : {}),
    ...(fetch ? { fetch } : {}),
  });
}

const namespace = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "a namespace name")
  .optional()
  .describe("one namespace; every namespace when omitted");
const retry = { attempts: 3, delay: "PT1S" } as const;

/** cluster_state and resource_usage: the Kubernetes API through the ClusterState port. */
export function clusterTools(fetch?: typeof globalThis.fetch) {
  return {
    cluster_state: tool({
      description:
        "The cluster's nodes (ready, roles, allocatable), pods by phase, restarting pods and deployments' readiness",
      input: z.object({ namespace }),
      retry,
      run: async (input, ctx) => {
        const cluster = await clusterOf(ctx.config as ArchitectConfig, fetch);
        return cluster ? { configured: true, ...(await cluster.overview(input.namespace)) } : notConfigured;
      },
    }),
    resource_usage: tool({
      description:
        "CPU and memory in use per node (and percent of allocatable) and the busiest pods, from metrics.k8s.io",
      input: z.object({ namespace }),
      retry,
      run: async (input, ctx) => {
        const cluster = await clusterOf(ctx.config as ArchitectConfig, fetch);
        return cluster ? { configured: true, ...(await cluster.usage(input.namespace)) } : notConfigured;
      },
    }),
  };
}
