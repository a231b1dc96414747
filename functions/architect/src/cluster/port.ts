/** The cluster as the architect sees it: nodes, workloads and what they use. A port: the Kubernetes API is one adapter. */
export interface ClusterState {
  overview(namespace?: string): Promise<ClusterOverview>;
  usage(namespace?: string): Promise<ResourceUsage>;
}

export interface NodeSummary {
  readonly name: string;
  readonly ready: boolean;
  readonly roles: readonly string[];
  readonly kubeletVersion: string;
  readonly allocatable: { readonly cpuCores: number; readonly memoryBytes: number; readonly pods: number };
}

export interface ClusterOverview {
  readonly nodes: readonly NodeSummary[];
  /** Pods by phase (Running, Pending, Failed, …), in the namespace or every one. */
  readonly pods: Readonly<Record<string, number>>;
  /** Pods whose containers restarted, most restarts first (at most 10). */
  readonly restarting: readonly {
    readonly pod: string;
    readonly restarts: number;
    readonly reason?: string;
  }[];
  readonly deployments: readonly {
    readonly name: string;
    readonly desired: number;
    readonly ready: number;
    readonly available: number;
  }[];
}

export interface ResourceUsage {
  readonly nodes: readonly {
    readonly name: string;
    readonly cpuCores: number;
    readonly memoryBytes: number;
    /** Of the node's allocatable, 0–100; undefined when the node is not in the overview. */
    readonly cpuPercent?: number;
    readonly memoryPercent?: number;
  }[];
  /** The pods using the most CPU (at most 10). */
  readonly topPods: readonly {
    readonly pod: string;
    readonly cpuCores: number;
    readonly memoryBytes: number;
  }[];
}
