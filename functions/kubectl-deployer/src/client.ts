import {
  createKubernetesClient,
  type KubernetesClient,
  KubernetesError,
} from "@mesh-six/integration-kubernetes";
import type { ToolContext } from "@mesh-six/shared/agent";
import type { KubectlConfig } from "./config.ts";

const clients = new Map<string, KubernetesClient>();

/** The Kubernetes client for the function's configuration (KUBECONFIG, or in-cluster), kept between calls. */
export function kubernetesOf(ctx: ToolContext): KubernetesClient {
  const config = ctx.config as KubectlConfig;
  const inCluster = config.KUBERNETES_IN_CLUSTER === "true";
  if (!config.KUBECONFIG && !inCluster) {
    throw new KubernetesError(
      "config",
      "no Kubernetes API configured: set KUBECONFIG to a kubeconfig file, or KUBERNETES_IN_CLUSTER=true to use the pod's ServiceAccount",
      { retryable: false },
    );
  }
  const key = inCluster ? "in-cluster" : (config.KUBECONFIG ?? "");
  let client = clients.get(key);
  if (!client) {
    try {
      client = createKubernetesClient(
        inCluster ? { inCluster } : { kubeconfigPath: config.KUBECONFIG ?? "" },
      );
    } catch (error) {
      throw new KubernetesError("config", (error as Error).message, { retryable: false, cause: error });
    }
    clients.set(key, client);
  }
  return client;
}
