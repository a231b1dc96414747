import { KubeConfig } from "@kubernetes/client-node";
import { ConfigError } from "@mesh-six/shared/errors";

export interface KubeconfigSettings {
  /** A kubeconfig file (KUBECONFIG); the first of a colon-separated list. */
  readonly kubeconfigPath?: string;
  /** The ServiceAccount of the pod it runs in (in-cluster: KUBERNETES_SERVICE_HOST and the mounted token). */
  readonly inCluster?: boolean;
  /** An API server given directly (tests, a proxy): its URL and an optional bearer token. */
  readonly server?: { readonly url: string; readonly token?: string };
}

/** The KubeConfig for the settings: exactly one of a file, in-cluster, or a server. */
export function loadKubeConfig(settings: KubeconfigSettings): KubeConfig {
  const config = new KubeConfig();
  const given = [settings.kubeconfigPath, settings.inCluster, settings.server].filter(Boolean).length;
  if (given !== 1) {
    throw new ConfigError(
      "KUBECONFIG",
      given === 0
        ? "no Kubernetes API to talk to: set KUBECONFIG to a kubeconfig file, or KUBERNETES_IN_CLUSTER=true to use the pod's ServiceAccount"
        : "give one of KUBECONFIG or KUBERNETES_IN_CLUSTER, not both",
    );
  }
  try {
    if (settings.server) {
      config.loadFromOptions({
        // client-node refuses plain http unless TLS checks are off: there is no TLS to check
        clusters: [
          {
            name: "mesh-six",
            server: settings.server.url,
            skipTLSVerify: settings.server.url.startsWith("http:"),
          },
        ],
        users: [{ name: "mesh-six", ...(settings.server.token ? { token: settings.server.token } : {}) }],
        contexts: [{ name: "mesh-six", cluster: "mesh-six", user: "mesh-six" }],
        currentContext: "mesh-six",
      });
    } else if (settings.inCluster) {
      config.loadFromCluster();
    } else if (settings.kubeconfigPath) {
      config.loadFromFile(settings.kubeconfigPath.split(":")[0] ?? settings.kubeconfigPath);
    }
  } catch (error) {
    throw new ConfigError(
      "KUBECONFIG",
      `could not load the Kubernetes configuration: ${(error as Error).message}`,
    );
  }
  if (!config.getCurrentCluster()) {
    throw new ConfigError("KUBECONFIG", "the kubeconfig has no current cluster; set current-context");
  }
  return config;
}
