import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { type DeploymentSettings, functionLabels, type Resource } from "./settings.ts";

export function serviceAccountName(functionName: string): string {
  return `mesh-six-${functionName}`;
}

/**
 * Least privilege for a function that talks to the Kubernetes API: its own
 * ServiceAccount, a Role (or ClusterRole when `clusterWide`) holding exactly the
 * definition's rules, and the binding between them. Nothing for other functions.
 */
export function rbacFor(definition: FunctionDefinition, settings: DeploymentSettings): Resource[] {
  const access = definition.kubernetesAccess;
  if (!access) return [];
  const name = serviceAccountName(definition.name);
  const labels = functionLabels(definition.name);
  const namespace = settings.namespace;
  const role = access.clusterWide ? "ClusterRole" : "Role";
  const placed = access.clusterWide ? { name, labels } : { name, namespace, labels };
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace, labels } },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: role,
      metadata: placed,
      rules: access.rules.map((rule) => ({
        apiGroups: [...rule.apiGroups],
        resources: [...rule.resources],
        verbs: [...rule.verbs],
        ...(rule.resourceNames ? { resourceNames: [...rule.resourceNames] } : {}),
      })),
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: `${role}Binding`,
      metadata: placed,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: role, name },
      subjects: [{ kind: "ServiceAccount", name, namespace }],
    },
  ];
}
