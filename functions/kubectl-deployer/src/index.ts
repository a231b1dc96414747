import { clusterScoped, rulesFor } from "@mesh-six/integration-kubernetes";
import { defineAgent } from "@mesh-six/shared/agent";
import { kubectlConfig } from "./config.ts";
import { debugResult } from "./debug-result.ts";
import { instructions, promptFor } from "./prompts.ts";
import { kubectlRequest } from "./request.ts";
import { deleteDeployment, deletePod, rolloutRestart, rolloutUndo, scale, setImage } from "./tools/change.ts";
import { clusterNodes, describePod, events, listDeployments, listPods, podLogs } from "./tools/read.ts";

export const tools = {
  list_pods: listPods,
  describe_pod: describePod,
  pod_logs: podLogs,
  events,
  list_deployments: listDeployments,
  cluster_nodes: clusterNodes,
  set_image: setImage,
  rollout_undo: rolloutUndo,
  rollout_restart: rolloutRestart,
  scale,
  delete_pod: deletePod,
  delete_deployment: deleteDeployment,
};

const operations = Object.values(tools).flatMap((each) => each.operations);

/**
 * Deploys, rolls back, debugs and inspects through the Kubernetes API (ROSTER.md),
 * never a kubectl binary. Its RBAC is the union of what its tools call (rulesFor), a
 * ClusterRole because it reads nodes and works in any namespace. Restarts, scaling and
 * deletes wait for a person; debug-pods answers a structured DebugResult.
 */
export const kubectlDeployer = defineAgent({
  name: "kubectl-deployer",
  description: "Deploys, rolls back, debugs pods and inspects the cluster through the Kubernetes API.",
  capabilities: [
    { name: "deploy-service", weight: 0.7 },
    { name: "rollback-service", weight: 0.7 },
    { name: "debug-pods", weight: 1.0 },
    { name: "inspect-cluster", weight: 0.9 },
  ],
  config: kubectlConfig,
  kubernetesAccess: {
    rules: rulesFor(operations),
    clusterWide: operations.some((operation) => clusterScoped.includes(operation)),
  },
  input: kubectlRequest,
  outputs: { "debug-pods": debugResult },
  prompt: promptFor,
  instructions,
  tools,
  maxSteps: 8,
  delivery: { retry: 3, backoffPolicy: "exponential", backoffDelay: "PT0.5S" },
  scaling: { minScale: 0, maxScale: 3, concurrency: 5, timeoutSeconds: 120 },
});

export { type DebugResult, debugResult } from "./debug-result.ts";
