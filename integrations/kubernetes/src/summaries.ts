import type { CoreV1Event, V1Deployment, V1Node, V1Pod } from "@kubernetes/client-node";

/** What a pod looks like to someone debugging it. */
export function podSummary(pod: V1Pod) {
  const containers = pod.status?.containerStatuses ?? [];
  return {
    name: pod.metadata?.name ?? "",
    phase: pod.status?.phase ?? "Unknown",
    node: pod.spec?.nodeName,
    ready: containers.every((container) => container.ready),
    restarts: containers.reduce((sum, container) => sum + (container.restartCount ?? 0), 0),
    containers: containers.map((container) => ({
      name: container.name,
      image: container.image,
      ready: container.ready,
      restarts: container.restartCount,
      waiting: container.state?.waiting?.reason,
      lastTerminated: container.lastState?.terminated
        ? { reason: container.lastState.terminated.reason, exitCode: container.lastState.terminated.exitCode }
        : undefined,
    })),
  };
}

export function deploymentSummary(deployment: V1Deployment) {
  return {
    name: deployment.metadata?.name ?? "",
    revision: deployment.metadata?.annotations?.["deployment.kubernetes.io/revision"],
    replicas: deployment.spec?.replicas ?? 0,
    ready: deployment.status?.readyReplicas ?? 0,
    updated: deployment.status?.updatedReplicas ?? 0,
    images: (deployment.spec?.template.spec?.containers ?? []).map((container) => ({
      container: container.name,
      image: container.image,
    })),
  };
}

export function eventSummary(event: CoreV1Event) {
  return {
    type: event.type,
    reason: event.reason,
    object: `${event.involvedObject.kind}/${event.involvedObject.name}`,
    message: event.message,
    count: event.count,
  };
}

export function nodeSummary(node: V1Node) {
  const ready = node.status?.conditions?.find((condition) => condition.type === "Ready");
  return {
    name: node.metadata?.name ?? "",
    ready: ready?.status === "True",
    kubelet: node.status?.nodeInfo?.kubeletVersion,
    capacity: { cpu: node.status?.capacity?.cpu, memory: node.status?.capacity?.memory },
  };
}
