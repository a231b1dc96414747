import { z } from "zod";

/** kubectl-deployer's variables: which Kubernetes API, and the namespace tasks default to. */
export const kubectlConfig = z.object({
  KUBECONFIG: z
    .string()
    .min(1)
    .optional()
    .describe("a kubeconfig file for the Kubernetes API (outside a cluster)"),
  KUBERNETES_IN_CLUSTER: z
    .enum(["true", "false"])
    .default("false")
    .describe("true: use the pod's ServiceAccount (on Knative, with the RBAC npm run manifests generates)"),
  KUBECTL_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/)
    .default("default")
    .describe("the namespace of a task that names none"),
});

export type KubectlConfig = z.output<typeof kubectlConfig>;
