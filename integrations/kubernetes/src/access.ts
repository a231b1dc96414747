import type { KubernetesAccessRule } from "@mesh-six/shared/function/define";

/** Every call the client makes, with the RBAC rule (PolicyRule) it needs. */
export const operationAccess = {
  listPods: { apiGroups: [""], resources: ["pods"], verbs: ["list"] },
  readPod: { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
  readPodLog: { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
  deletePod: { apiGroups: [""], resources: ["pods"], verbs: ["delete"] },
  listEvents: { apiGroups: [""], resources: ["events"], verbs: ["list"] },
  listNodes: { apiGroups: [""], resources: ["nodes"], verbs: ["list"] },
  listDeployments: { apiGroups: ["apps"], resources: ["deployments"], verbs: ["list"] },
  readDeployment: { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"] },
  patchDeployment: { apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"] },
  deleteDeployment: { apiGroups: ["apps"], resources: ["deployments"], verbs: ["delete"] },
  scaleDeployment: { apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"] },
  listReplicaSets: { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["list"] },
} as const satisfies Record<string, KubernetesAccessRule>;

export type Operation = keyof typeof operationAccess;

/** The operations a ClusterRole must grant (the others fit a Role in a namespace). */
export const clusterScoped: readonly Operation[] = ["listNodes"];

/** The least rules that allow these operations: one rule per API group and resource, its verbs merged. */
export function rulesFor(operations: Iterable<Operation>): KubernetesAccessRule[] {
  const merged = new Map<string, { apiGroups: string[]; resources: string[]; verbs: Set<string> }>();
  for (const operation of operations) {
    const rule = operationAccess[operation];
    const key = `${rule.apiGroups.join(",")}/${rule.resources.join(",")}`;
    const entry = merged.get(key) ?? {
      apiGroups: [...rule.apiGroups],
      resources: [...rule.resources],
      verbs: new Set(),
    };
    for (const verb of rule.verbs) entry.verbs.add(verb);
    merged.set(key, entry);
  }
  return [...merged.values()]
    .map((rule) => ({ apiGroups: rule.apiGroups, resources: rule.resources, verbs: [...rule.verbs].sort() }))
    .sort((a, b) => `${a.apiGroups}/${a.resources}`.localeCompare(`${b.apiGroups}/${b.resources}`));
}

/** A rule as a person writes it in a Role: `apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"]`. */
export function describeRule(rule: KubernetesAccessRule): string {
  const list = (values: readonly string[]) => `[${values.map((value) => JSON.stringify(value)).join(", ")}]`;
  return `apiGroups: ${list(rule.apiGroups)}, resources: ${list(rule.resources)}, verbs: ${list(rule.verbs)}`;
}
