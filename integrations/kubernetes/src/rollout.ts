import type { V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from "@kubernetes/client-node";
import { KubernetesError } from "./errors.ts";

const revisionKey = "deployment.kubernetes.io/revision";

const revisionOf = (object: { metadata?: { annotations?: Record<string, string> } }) =>
  Number(object.metadata?.annotations?.[revisionKey] ?? Number.NaN);

/**
 * The revision `kubectl rollout undo` goes back to, as kubectl finds it
 * (k8s.io/kubectl/pkg/polymorphichelpers/rollback.go): the Deployment's ReplicaSets
 * (owned by it), each's `deployment.kubernetes.io/revision`; `toRevision` when given,
 * else the highest revision below the current one. The template loses the
 * `pod-template-hash` label the ReplicaSet controller added.
 */
export function undoTarget(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
  toRevision?: number,
): { revision: number; current: number; template: V1PodTemplateSpec } {
  const name = deployment.metadata?.name ?? "";
  const uid = deployment.metadata?.uid;
  const owned = replicaSets.filter((set) =>
    (set.metadata?.ownerReferences ?? []).some(
      (owner) => owner.kind === "Deployment" && (uid ? owner.uid === uid : owner.name === name),
    ),
  );
  const current = revisionOf(deployment);
  const candidates = owned
    .map((set) => ({ set, revision: revisionOf(set) }))
    .filter((entry) => Number.isInteger(entry.revision));
  const chosen =
    toRevision === undefined
      ? candidates.filter((entry) => entry.revision < current).sort((a, b) => b.revision - a.revision)[0]
      : candidates.find((entry) => entry.revision === toRevision);
  if (!chosen?.set.spec?.template) {
    const known = candidates.map((entry) => entry.revision).sort((a, b) => a - b);
    throw new KubernetesError(
      "invalid",
      toRevision === undefined
        ? `deployment ${name} has no revision before its current one (${current}); revisions: ${known.join(", ") || "none"}`
        : `deployment ${name} has no revision ${toRevision}; revisions: ${known.join(", ") || "none"}`,
      { retryable: false, operation: "listReplicaSets" },
    );
  }
  const template = structuredClone(chosen.set.spec.template);
  if (template.metadata?.labels) delete template.metadata.labels["pod-template-hash"];
  return { revision: chosen.revision, current, template };
}
