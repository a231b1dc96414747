import { z } from "zod";

const url = (example: string) =>
  z.url({ protocol: /^https?$/, error: `must be an http(s) URL, e.g. ${example}` });

/** The architect's own variables: where the cluster's API and Prometheus are. */
export const architectConfig = z.object({
  KUBERNETES_API_URL: url("https://kubernetes.default.svc")
    .optional()
    .describe(
      "the Kubernetes API server for cluster state and resource usage (in a cluster: https://kubernetes.default.svc, with NODE_EXTRA_CA_CERTS set to the ServiceAccount's ca.crt); unset: the tools say the cluster is not configured",
    ),
  KUBERNETES_TOKEN: z
    .string()
    .min(1)
    .optional()
    .describe(
      "a bearer token for the Kubernetes API; when unset, the ServiceAccount token at KUBERNETES_TOKEN_FILE",
    ),
  KUBERNETES_TOKEN_FILE: z
    .string()
    .default("/var/run/secrets/kubernetes.io/serviceaccount/token")
    .describe("where the ServiceAccount token is mounted, read when KUBERNETES_TOKEN is unset"),
  PROMETHEUS_URL: url("http://prometheus.monitoring:9090")
    .optional()
    .describe("the Prometheus server for service health; unset: the tool says so"),
});

export type ArchitectConfig = z.output<typeof architectConfig>;
