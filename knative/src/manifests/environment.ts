import type { SecretEnv } from "@mesh-six/shared/function/define";
import { type DeploymentSettings, partOf, type Resource } from "./settings.ts";

/** The non-secret settings every function reads (envFrom). */
export const configMapName = "mesh-six-config";

/** Secrets every function reads; the cluster holds their values (docs/deploy.md says how to create them). */
export const sharedSecrets: readonly SecretEnv[] = [
  { env: "DATABASE_URL", secret: "mesh-six-database", key: "url" },
  { env: "UPSTASH_REDIS_REST_URL", secret: "mesh-six-upstash", key: "url", optional: true },
  { env: "UPSTASH_REDIS_REST_TOKEN", secret: "mesh-six-upstash", key: "token", optional: true },
  { env: "LLM_BASE_URL", secret: "mesh-six-llm", key: "base-url", optional: true },
  { env: "LLM_API_KEY", secret: "mesh-six-llm", key: "api-key", optional: true },
  // every function signs what it sends with it and checks what it is sent (required)
  { env: "MESH_EVENT_KEY", secret: "mesh-six-event-key", key: "key" },
];

/**
 * `mesh-six-config`: the broker the functions publish to, the log level, and the proxies
 * whose X-Forwarded-For the rate limit believes: the queue-proxy beside each container
 * (add the pod range of Knative's ingress and activator in an overlay, docs/deploy.md).
 */
export function configMap(settings: DeploymentSettings): Resource {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: configMapName, namespace: settings.namespace, labels: { ...partOf } },
    data: {
      MESH_BROKER: "knative",
      MESH_NAMESPACE: settings.namespace,
      MESH_BROKER_NAME: settings.broker,
      LOG_LEVEL: "info",
      TRUSTED_PROXIES: "127.0.0.1,::1",
    },
  };
}

/** The container's `env` (secrets by reference, never values) and `envFrom`. */
export function containerEnvironment(secrets: readonly SecretEnv[]) {
  return {
    env: [...sharedSecrets, ...secrets].map((secret) => ({
      name: secret.env,
      valueFrom: {
        secretKeyRef: {
          name: secret.secret,
          key: secret.key,
          ...(secret.optional ? { optional: true } : {}),
        },
      },
    })),
    envFrom: [{ configMapRef: { name: configMapName } }],
  };
}
