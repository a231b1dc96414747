export { type Cluster, sampleCluster, templateHash } from "./cluster.ts";
export { type KubernetesApi, startKubernetesApi } from "./kubernetes-api.ts";
