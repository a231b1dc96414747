export { clusterScoped, describeRule, type Operation, operationAccess, rulesFor } from "./access.ts";
export {
  createKubernetesClient,
  fieldManager,
  type KubernetesClient,
  type KubernetesSettings,
} from "./client.ts";
export { KubernetesError, type KubernetesErrorKind } from "./errors.ts";
export { undoTarget } from "./rollout.ts";
