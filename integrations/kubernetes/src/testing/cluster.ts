import { readFileSync } from "node:fs";
import type {
  CoreV1Event,
  V1Deployment,
  V1Node,
  V1Pod,
  V1PodTemplateSpec,
  V1ReplicaSet,
} from "@kubernetes/client-node";

const fixtureText = readFileSync(new URL("../__fixtures__/cluster-shop.json", import.meta.url), "utf8");

/** What the double's API server holds: objects as the OpenAPI spec shapes them. */
export interface Cluster {
  readonly deployments: Map<string, V1Deployment>;
  readonly replicaSets: V1ReplicaSet[];
  readonly pods: V1Pod[];
  readonly events: CoreV1Event[];
  readonly logs: Map<string, string>;
  readonly nodes: V1Node[];
}

const revisionKey = "deployment.kubernetes.io/revision";
const key = (namespace: string, name: string) => `${namespace}/${name}`;

/** A hash of the template, as the ReplicaSet's name and pod-template-hash label carry one. */
export function templateHash(template: V1PodTemplateSpec): string {
  const text = JSON.stringify(stripHash(template));
  let hash = 0;
  for (const character of text) hash = (hash * 31 + character.charCodeAt(0)) >>> 0;
  return hash.toString(16).padStart(8, "0").slice(0, 10);
}

export function stripHash(template: V1PodTemplateSpec): V1PodTemplateSpec {
  const copy = structuredClone(template);
  if (copy.metadata?.labels) delete copy.metadata.labels["pod-template-hash"];
  return copy;
}

/**
 * What the deployment controller does when a Deployment's template changes: the
 * ReplicaSet with the same template (else a new one) gets the next revision, and the
 * Deployment's revision annotation follows it.
 */
export function rollOut(cluster: Cluster, deployment: V1Deployment): void {
  const namespace = deployment.metadata?.namespace ?? "default";
  const name = deployment.metadata?.name ?? "";
  const owned = cluster.replicaSets.filter(
    (set) => set.metadata?.namespace === namespace && set.metadata?.ownerReferences?.[0]?.name === name,
  );
  const template = deployment.spec?.template ?? {};
  const hash = templateHash(template);
  const current = owned.find((set) => set.metadata?.labels?.["pod-template-hash"] === hash);
  const top = Math.max(0, ...owned.map((set) => Number(set.metadata?.annotations?.[revisionKey] ?? 0)));
  const currentRevision = Number(deployment.metadata?.annotations?.[revisionKey] ?? 0);
  if (current && Number(current.metadata?.annotations?.[revisionKey]) === currentRevision) return;
  const revision = String(top + 1);
  if (current) {
    current.metadata = {
      ...current.metadata,
      annotations: { ...current.metadata?.annotations, [revisionKey]: revision },
    };
  } else {
    cluster.replicaSets.push(replicaSetFor(deployment, template, revision));
  }
  deployment.metadata = {
    ...deployment.metadata,
    annotations: { ...deployment.metadata?.annotations, [revisionKey]: revision },
  };
}

function replicaSetFor(
  deployment: V1Deployment,
  template: V1PodTemplateSpec,
  revision: string,
): V1ReplicaSet {
  const hash = templateHash(template);
  const withHash = structuredClone(stripHash(template));
  withHash.metadata = {
    ...withHash.metadata,
    labels: { ...withHash.metadata?.labels, "pod-template-hash": hash },
  };
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${deployment.metadata?.name}-${hash}`,
      namespace: deployment.metadata?.namespace ?? "default",
      labels: { ...deployment.spec?.selector.matchLabels, "pod-template-hash": hash },
      annotations: { [revisionKey]: revision },
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "Deployment",
          name: deployment.metadata?.name ?? "",
          uid: deployment.metadata?.uid ?? "",
          controller: true,
        },
      ],
    },
    spec: {
      replicas: 0,
      selector: { matchLabels: { ...deployment.spec?.selector.matchLabels, "pod-template-hash": hash } },
      template: withHash,
    },
  };
}

/** The cluster of src/__fixtures__/cluster-shop.json (renamed to `name`): Deployment shop at revision 3, its three ReplicaSets, two pods (one crash-looping), events, logs, a node. */
export function sampleCluster(name = "shop"): Cluster {
  // the fixture's objects renamed: deployment, namespace, pods, labels and images follow the name
  const fixture = JSON.parse(fixtureText.replaceAll("shop", name));
  const deployment = structuredClone(fixture.deployment) as V1Deployment;
  const cluster: Cluster = {
    deployments: new Map([[key(name, name), deployment]]),
    replicaSets: [],
    pods: structuredClone(fixture.pods),
    events: structuredClone(fixture.events),
    logs: new Map(Object.entries(fixture.logs as Record<string, string>)),
    nodes: structuredClone(fixture.nodes),
  };
  for (const [revision, image] of Object.entries(fixture.replicaSetImages as Record<string, string>)) {
    const template = structuredClone(deployment.spec?.template ?? {});
    const container = template.spec?.containers[0];
    if (container) container.image = image;
    cluster.replicaSets.push(replicaSetFor(deployment, template, revision));
  }
  return cluster;
}

export { key as objectKey };
