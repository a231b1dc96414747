import { configOf, requiredVariables } from "@mesh-six/shared/function/config";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import type { ManifestSet } from "../manifests/generate.ts";
import type { Resource } from "../manifests/settings.ts";

/** What a function needs on Knative whatever its config: start.ts refuses to start without them. */
const knativeRequired: readonly string[] = ["DATABASE_URL", "MESH_EVENT_KEY"];

interface EnvEntry {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: { readonly name?: string; readonly key?: string; readonly optional?: boolean };
    readonly configMapKeyRef?: { readonly name?: string; readonly key?: string; readonly optional?: boolean };
  };
}

/** The env of a Service's (or Job's) first container. */
function envOf(resource: Resource): readonly EnvEntry[] {
  const spec = resource.spec as { template?: { spec?: { containers?: { env?: EnvEntry[] }[] } } } | undefined;
  return spec?.template?.spec?.containers?.[0]?.env ?? [];
}

/**
 * Why `entry` does not give its variable a value the function can start with; undefined
 * when it does: a literal value, a required Secret reference (Kubernetes refuses to start
 * the pod without it), or a key the ConfigMap in the deployment holds.
 */
function unprovided(
  entry: EnvEntry | undefined,
  configMaps: ReadonlyMap<string, Set<string>>,
): string | undefined {
  if (!entry) return "its Service does not set it";
  if (entry.value !== undefined) return undefined;
  const secret = entry.valueFrom?.secretKeyRef;
  if (secret) {
    return secret.optional
      ? `its Service reads it from an optional reference to Secret ${secret.name} (key ${secret.key}), so the pod may start without it; make the reference required`
      : undefined;
  }
  const config = entry.valueFrom?.configMapKeyRef;
  if (config) {
    const keys = configMaps.get(config.name ?? "");
    if (!keys)
      return `its Service reads it from ConfigMap ${config.name}, which is not part of the deployment`;
    return keys.has(config.key ?? "")
      ? undefined
      : `its Service reads key ${config.key} of ConfigMap ${config.name}, which does not hold it; add the key to the ConfigMap`;
  }
  return "its Service sets it with neither a value nor a Secret or ConfigMap reference";
}

/**
 * Every variable a function requires (its config's without a default or `.optional()`,
 * and what every function needs on Knative) must be provided by its Service; each
 * required ConfigMap reference, in Services and Jobs, must name a key the ConfigMap holds.
 */
export function variableProblems(files: ManifestSet, fleet: readonly FunctionDefinition[]): string[] {
  const problems: string[] = [];
  const located = [...files].flatMap(([file, resources]) =>
    resources.map((resource) => ({ file, resource })),
  );
  const configMaps = new Map(
    located
      .filter(({ resource }) => resource.kind === "ConfigMap")
      .map(({ resource }) => [
        resource.metadata.name,
        new Set(Object.keys((resource.data ?? {}) as Record<string, string>)),
      ]),
  );
  for (const definition of fleet) {
    const found = located.find(
      ({ resource }) => resource.kind === "Service" && resource.metadata.name === definition.name,
    );
    if (!found) continue;
    const env = envOf(found.resource);
    const schema = configOf(definition);
    for (const variable of new Set([...knativeRequired, ...requiredVariables(schema)])) {
      const why = unprovided(
        env.find((entry) => entry.name === variable),
        configMaps,
      );
      if (!why) continue;
      const purpose = schema.shape[variable]?.description;
      problems.push(
        `${found.file}: Service ${definition.name}: env[${variable}]: function ${definition.name} cannot start without ${variable}${purpose ? ` (${purpose})` : ""}, but ${why} (regenerate with npm run manifests)`,
      );
    }
  }
  for (const { file, resource } of located) {
    if (resource.kind !== "Service" && resource.kind !== "Job") continue;
    for (const entry of envOf(resource)) {
      const config = entry.valueFrom?.configMapKeyRef;
      if (!config || config.optional) continue;
      const why = unprovided(entry, configMaps);
      if (why)
        problems.push(`${file}: ${resource.kind} ${resource.metadata.name}: env[${entry.name}]: ${why}`);
    }
  }
  return problems;
}
