export { type Cluster, sampleCluster, templateHash } from "./cluster.ts";
export { writeKubeconfig } from "./kubeconfig.ts";
export { type KubernetesApi, startKubernetesApi } from "./kubernetes-api.ts";
