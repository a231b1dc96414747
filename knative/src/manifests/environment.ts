import { configOf } from "@mesh-six/shared/function/config";
import type { FunctionDefinition, SecretEnv } from "@mesh-six/shared/function/define";
import { type DeploymentSettings, partOf, type Resource } from "./settings.ts";

/** The non-secret settings of the deployment; each Service reads the keys of its own variables. */
export const configMapName = "mesh-six-config";

/**
 * Where each secret variable comes from on Knative: a key of a Secret the cluster holds
 * (docs/deploy.md says how to create them). A Service references those of its variables;
 * a function's own `secrets` add to them and win.
 */
export const secretSources: readonly SecretEnv[] = [
  { env: "DATABASE_URL", secret: "mesh-six-database", key: "url" },
  { env: "UPSTASH_REDIS_REST_URL", secret: "mesh-six-upstash", key: "url", optional: true },
  { env: "UPSTASH_REDIS_REST_TOKEN", secret: "mesh-six-upstash", key: "token", optional: true },
  // every function signs what it sends with it and checks what it is sent (required)
  { env: "MESH_EVENT_KEY", secret: "mesh-six-event-key", key: "key" },
  { env: "LLM_BASE_URL", secret: "mesh-six-llm", key: "base-url", optional: true },
  { env: "LLM_API_KEY", secret: "mesh-six-llm", key: "api-key", optional: true },
  { env: "EMBEDDING_BASE_URL", secret: "mesh-six-llm", key: "embedding-base-url", optional: true },
  { env: "EMBEDDING_API_KEY", secret: "mesh-six-llm", key: "embedding-api-key", optional: true },
];

/** The platform's variables every function's Service gets: the broker and log level, the database, Upstash, the event key. */
export const platformVariables: readonly string[] = [
  "MESH_BROKER",
  "MESH_NAMESPACE",
  "MESH_BROKER_NAME",
  "LOG_LEVEL",
  "DATABASE_URL",
  "UPSTASH_REDIS_REST_URL",
  "UPSTASH_REDIS_REST_TOKEN",
  "MESH_EVENT_KEY",
];

/** Set by Knative itself, or read only by the embedded and kafka hosts: never given to a Service. */
const notOnKnative: ReadonlySet<string> = new Set([
  "PORT",
  "K_SERVICE",
  "K_CONFIGURATION",
  "K_REVISION",
  "K_SINK",
  "K_CE_OVERRIDES",
  "MESH_DATA_DIR",
  "KAFKA_BROKERS",
]);

/**
 * `mesh-six-config`: the broker the functions publish to, the log level, and the proxies
 * whose X-Forwarded-For the rate limit believes: the queue-proxy beside each container
 * (add the pod range of Knative's ingress and activator in an overlay, docs/deploy.md).
 * Any other non-secret variable of a function (LLM_MODEL, RATE_LIMIT_PER_MINUTE, …) may
 * be added here in an overlay: its Service already references the key, optionally.
 */
export function configMap(settings: DeploymentSettings): Resource {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: configMapName, namespace: settings.namespace, labels: { ...partOf } },
    data: configMapData(settings),
  };
}

function configMapData(settings: DeploymentSettings): Record<string, string> {
  return {
    MESH_BROKER: "knative",
    MESH_NAMESPACE: settings.namespace,
    MESH_BROKER_NAME: settings.broker,
    LOG_LEVEL: "info",
    TRUSTED_PROXIES: "127.0.0.1,::1",
    // in the cluster, Kubernetes clients (kubectl-deployer) use the pod's ServiceAccount
    KUBERNETES_IN_CLUSTER: "true",
  };
}

/** The variables a function's Service is given: the platform's, its config's and its secrets', each once. */
export function serviceVariables(definition: FunctionDefinition): string[] {
  const own = [
    ...Object.keys(configOf(definition).shape),
    ...(definition.secrets ?? []).map((each) => each.env),
  ];
  return [...new Set([...platformVariables, ...own])].filter((variable) => !notOnKnative.has(variable));
}

/**
 * The container's `env` for `variables`: a secret by reference (`secrets` first, then
 * `secretSources`), never its value; any other from its key of `mesh-six-config`,
 * required when the generated ConfigMap holds it and optional otherwise.
 */
export function containerEnvironment(
  variables: readonly string[],
  settings: DeploymentSettings,
  secrets: readonly SecretEnv[] = [],
) {
  const held = configMapData(settings);
  return {
    env: variables.map((name) => {
      const secret = [...secrets, ...secretSources].find((each) => each.env === name);
      if (secret) {
        const optional = secret.optional ? { optional: true } : {};
        return { name, valueFrom: { secretKeyRef: { name: secret.secret, key: secret.key, ...optional } } };
      }
      const optional = name in held ? {} : { optional: true };
      return { name, valueFrom: { configMapKeyRef: { name: configMapName, key: name, ...optional } } };
    }),
  };
}
