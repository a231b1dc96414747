/** Where and how the fleet is deployed; the defaults are what `npm run manifests` writes. */
export interface DeploymentSettings {
  readonly namespace: string;
  readonly broker: string;
  /** Images are `<imagePrefix><function>:<imageTag>`; override them in a kustomize overlay. */
  readonly imagePrefix: string;
  readonly imageTag: string;
  readonly defaults: {
    readonly maxScale: number;
    readonly concurrency: number;
    readonly timeoutSeconds: number;
    readonly cpu: string;
    readonly memory: string;
    readonly memoryLimit: string;
  };
}

/**
 * `dev.local/` images skip Knative's tag-to-digest resolution, so images loaded straight
 * into a kind or minikube node work; a real registry goes in an overlay's `images:`.
 */
export const defaultSettings: DeploymentSettings = {
  namespace: "mesh-six",
  broker: "default",
  imagePrefix: "dev.local/mesh-six/",
  imageTag: "dev",
  defaults: {
    maxScale: 10,
    concurrency: 10,
    timeoutSeconds: 300,
    cpu: "100m",
    memory: "128Mi",
    memoryLimit: "512Mi",
  },
};

/** A Kubernetes object as written to YAML. */
export interface Resource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

export const partOf = { "app.kubernetes.io/part-of": "mesh-six" } as const;

export function functionLabels(name: string): Record<string, string> {
  return { ...partOf, "mesh-six.dev/function": name };
}

export function serviceRef(name: string) {
  return { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name } } as const;
}

export function brokerRef(settings: DeploymentSettings) {
  return { ref: { apiVersion: "eventing.knative.dev/v1", kind: "Broker", name: settings.broker } } as const;
}

export function imageOf(name: string, settings: DeploymentSettings): string {
  return `${settings.imagePrefix}${name}:${settings.imageTag}`;
}
