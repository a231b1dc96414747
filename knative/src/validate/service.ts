import { maxScaleAnnotation, minScaleAnnotation, visibilityLabel } from "../manifests/service.ts";
import type { Resource } from "../manifests/settings.ts";

/** Set by Knative itself; a Service may not set them (Knative's reserved env vars). */
const reservedEnv = new Set(["PORT", "K_SERVICE", "K_CONFIGURATION", "K_REVISION"]);
/** Names whose values are secrets: they must come from a secretKeyRef, never a literal value. */
const secretLike = /(URL|TOKEN|KEYS?|SECRET|PASSWORD)$/;
const dns1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const wholeNumber = /^(0|[1-9]\d*)$/;

interface Container {
  readonly image?: string;
  readonly env?: readonly {
    readonly name: string;
    readonly value?: string;
    readonly valueFrom?: {
      readonly secretKeyRef?: { readonly name?: string; readonly key?: string };
      readonly configMapKeyRef?: { readonly name?: string; readonly key?: string };
    };
  }[];
  readonly ports?: readonly unknown[];
}

/**
 * The Knative Serving webhook's rules the schema misses, for how mesh-six uses them: the
 * name (a DNS-1035 label short enough for its revisions, `<name>-00001`), scale bounds,
 * container concurrency 0–1000, a request timeout within the 600 s Knative allows,
 * the visibility label, one container with at most one port, no reserved environment
 * variables, and secrets only by reference, from a Secret.
 */
export function serviceProblems(resource: Resource): string[] {
  const problems: string[] = [];
  const name = resource.metadata.name;
  if (!dns1035.test(name) || name.length > 57) {
    problems.push(
      `metadata.name: "${name}" must be a DNS-1035 label of at most 57 characters (its revisions are named ${name}-00001)`,
    );
  }
  const visibility = resource.metadata.labels?.[visibilityLabel];
  if (visibility !== undefined && visibility !== "cluster-local") {
    problems.push(`metadata.labels[${visibilityLabel}]: "${visibility}" must be "cluster-local" or absent`);
  }
  const template = (resource.spec as { template?: Record<string, never> } | undefined)?.template;
  const annotations =
    (template?.metadata as { annotations?: Record<string, string> } | undefined)?.annotations ?? {};
  const spec = (template?.spec ?? {}) as {
    containerConcurrency?: number;
    timeoutSeconds?: number;
    containers?: readonly Container[];
  };
  const scale = (annotation: string): number | undefined => {
    const value = annotations[annotation];
    if (value === undefined) return undefined;
    if (!wholeNumber.test(value)) {
      problems.push(`spec.template.metadata.annotations[${annotation}]: "${value}" must be a whole number`);
      return undefined;
    }
    return Number(value);
  };
  const min = scale(minScaleAnnotation);
  const max = scale(maxScaleAnnotation);
  if (min !== undefined && max !== undefined && max > 0 && min > max) {
    problems.push(`spec.template: min-scale ${min} is above max-scale ${max}`);
  }
  const concurrency = spec.containerConcurrency;
  if (
    concurrency !== undefined &&
    !(Number.isInteger(concurrency) && concurrency >= 0 && concurrency <= 1000)
  ) {
    problems.push(
      `spec.template.spec.containerConcurrency: ${concurrency} must be a whole number from 0 to 1000`,
    );
  }
  const timeout = spec.timeoutSeconds;
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout >= 1 && timeout <= 600)) {
    problems.push(
      `spec.template.spec.timeoutSeconds: ${timeout} must be 1–600 (Knative's max-revision-timeout-seconds)`,
    );
  }
  const containers = spec.containers ?? [];
  if (containers.length !== 1)
    problems.push(`spec.template.spec.containers: ${containers.length} containers; give one`);
  for (const [index, container] of containers.entries()) {
    problems.push(...containerProblems(`spec.template.spec.containers[${index}]`, container));
  }
  return problems;
}

/** Environment rules shared by Services and the migration Job. */
export function containerProblems(path: string, container: Container): string[] {
  const problems: string[] = [];
  if (!container.image) problems.push(`${path}.image: missing`);
  if ((container.ports ?? []).length > 1)
    problems.push(`${path}.ports: Knative serves one port; give at most one`);
  const seen = new Set<string>();
  for (const variable of container.env ?? []) {
    const at = `${path}.env[${variable.name}]`;
    if (seen.has(variable.name)) problems.push(`${at}: set twice`);
    seen.add(variable.name);
    if (reservedEnv.has(variable.name))
      problems.push(`${at}: reserved; Knative sets ${variable.name} itself`);
    if (variable.value !== undefined && secretLike.test(variable.name)) {
      problems.push(`${at}: holds a literal value; read it from a Secret with valueFrom.secretKeyRef`);
    }
    const secret = variable.valueFrom?.secretKeyRef;
    const config = variable.valueFrom?.configMapKeyRef;
    if (config && secretLike.test(variable.name)) {
      problems.push(
        `${at}: read from a ConfigMap, whose values anyone who can read the namespace sees; read it from a Secret (list it in the function's secrets, or in secretSources of knative/src/manifests/environment.ts)`,
      );
    }
    if (config && (!config.name || !config.key)) {
      problems.push(`${at}: valueFrom.configMapKeyRef needs a name and a key`);
    }
    if (variable.valueFrom && !config && (!secret?.name || !secret.key)) {
      problems.push(`${at}: valueFrom.secretKeyRef needs a name and a key`);
    }
  }
  return problems;
}
