import type { FunctionDefinition, SecretEnv } from "@mesh-six/shared/function/define";
import { containerEnvironment, serviceVariables } from "./environment.ts";
import { serviceAccountName } from "./rbac.ts";
import { type DeploymentSettings, functionLabels, imageOf, type Resource } from "./settings.ts";

export const visibilityLabel = "networking.knative.dev/visibility";
export const minScaleAnnotation = "autoscaling.knative.dev/min-scale";
export const maxScaleAnnotation = "autoscaling.knative.dev/max-scale";
/**
 * The cluster's CA as Kubernetes mounts it with the ServiceAccount's token: given to Node
 * (NODE_EXTRA_CA_CERTS, read at start) in the functions that talk to the Kubernetes API,
 * so plain `fetch` to https://kubernetes.default.svc trusts the API server's certificate.
 */
export const serviceAccountCa = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";

/**
 * The function's Knative Service: scales to zero (unless the definition says otherwise),
 * cluster-local unless public, the concurrency and timeout of its definition, resource
 * requests, only its own variables (the platform's and its config's, secrets by
 * reference), and a readiness probe on /healthz.
 */
export function knativeService(
  definition: FunctionDefinition,
  settings: DeploymentSettings,
  /** More secrets it reads besides its own: for the orchestrator, those its dependency checks need. */
  extraSecrets: readonly SecretEnv[] = [],
): Resource {
  const { defaults } = settings;
  const scaling = definition.scaling ?? {};
  const resources = definition.resources ?? {};
  const labels = functionLabels(definition.name);
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: {
      name: definition.name,
      namespace: settings.namespace,
      labels: definition.public ? labels : { ...labels, [visibilityLabel]: "cluster-local" },
    },
    spec: {
      template: {
        metadata: {
          labels,
          annotations: {
            [minScaleAnnotation]: String(scaling.minScale ?? 0),
            [maxScaleAnnotation]: String(scaling.maxScale ?? defaults.maxScale),
          },
        },
        spec: {
          containerConcurrency: scaling.concurrency ?? defaults.concurrency,
          timeoutSeconds: scaling.timeoutSeconds ?? defaults.timeoutSeconds,
          ...(definition.kubernetesAccess ? { serviceAccountName: serviceAccountName(definition.name) } : {}),
          containers: [
            {
              name: "function",
              image: imageOf(definition.name, settings),
              ports: [{ name: "http1", containerPort: 8080 }],
              ...withClusterCa(
                definition,
                containerEnvironment(
                  [
                    ...new Set([
                      ...serviceVariables(definition),
                      ...extraSecrets.map((secret) => secret.env),
                    ]),
                  ],
                  settings,
                  withoutRepeats([...(definition.secrets ?? []), ...extraSecrets]),
                ),
              ),
              resources: {
                requests: { cpu: resources.cpu ?? defaults.cpu, memory: resources.memory ?? defaults.memory },
                limits: { memory: resources.memoryLimit ?? defaults.memoryLimit },
              },
              readinessProbe: { httpGet: { path: "/healthz" } },
            },
          ],
        },
      },
    },
  };
}

/** The environment, with NODE_EXTRA_CA_CERTS for a function that talks to the Kubernetes API. */
function withClusterCa<Env extends { readonly env: readonly { readonly name: string }[] }>(
  definition: FunctionDefinition,
  environment: Env,
) {
  if (!definition.kubernetesAccess || environment.env.some((each) => each.name === "NODE_EXTRA_CA_CERTS"))
    return environment;
  return {
    ...environment,
    env: [...environment.env, { name: "NODE_EXTRA_CA_CERTS", value: serviceAccountCa }],
  };
}

/** One entry per variable: the function's own declaration wins. */
function withoutRepeats(secrets: readonly SecretEnv[]): SecretEnv[] {
  return secrets.filter((secret, index) => secrets.findIndex((each) => each.env === secret.env) === index);
}
