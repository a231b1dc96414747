import { recordedPrometheus } from "@mesh-six/integration-prometheus/testing";
import { type KubernetesExchange, kubernetesDouble } from "./cluster/testing.ts";

/** One `fetch` for the architect's tests: the Kubernetes API double at kubernetes.test, real Prometheus recordings at prometheus.test. */
export function architectDoubles(exchanges?: readonly KubernetesExchange[]) {
  const kubernetes = kubernetesDouble(exchanges);
  const prometheus = recordedPrometheus();
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    return url.hostname === "kubernetes.test" ? kubernetes.fetch(input, init) : prometheus(input, init);
  }) as typeof globalThis.fetch;
  return { fetch, kubernetes };
}

export const clusterEnv = {
  KUBERNETES_API_URL: "https://kubernetes.test",
  KUBERNETES_TOKEN: "sa-token",
  PROMETHEUS_URL: "http://prometheus.test:9090",
};
