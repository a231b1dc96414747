import { TaskFailure } from "@mesh-six/shared/run/errors";
import type { RunContext } from "@mesh-six/shared/run/types";
import type { KubectlConfig } from "./config.ts";
import type { KubectlRequest } from "./request.ts";

export const instructions = `You are mesh-six's Kubernetes deployer. You work through the Kubernetes API with your tools, never a kubectl binary.
Deploy by setting a Deployment's image (server-side apply); roll back with rollout_undo; to debug, read pods, their descriptions and events, and their logs (the previous container's after a crash).
Restarts, scaling and deletes wait for a person's approval; if one is rejected, do not try it again and say so. Do not delete or scale unless the request asks for it.
When you debug, answer with the diagnosis, the evidence you read (quote log lines and events), a suggested fix and your confidence.`;

const values = (pairs: Record<string, string | number | boolean | undefined>) =>
  Object.entries(pairs)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${value};`)
    .join(" ");

function needs(input: KubectlRequest, capability: string): string {
  if (!input.service) {
    throw new TaskFailure(
      "invalid_input",
      `payload.service: is missing: ${capability} needs the Deployment's name, e.g. {"service": "shop"}`,
    );
  }
  return input.service;
}

/** What the model is asked, by the task's capability: the tools to use, with the values from the payload. */
export function promptFor(input: KubectlRequest, ctx: RunContext): string {
  const capability = ctx.task?.capability ?? "inspect-cluster";
  const namespace = input.namespace ?? (ctx.config as KubectlConfig).KUBECTL_NAMESPACE;
  const note = input.query ? `\nThe request says: ${input.query}` : "";
  if (capability === "deploy-service") {
    const deployment = needs(input, capability);
    const image = input.image ?? (input.version === undefined ? undefined : `:${input.version}`);
    if (!image) {
      throw new TaskFailure(
        "invalid_input",
        'payload.image: is missing: give the image ({"image": "…"}) or its tag ({"version": "1.3.0"})',
      );
    }
    return `Deploy ${image} to the Deployment ${deployment} in ${namespace}: call set_image with ${values({ namespace, deployment, image })}${note}`;
  }
  if (capability === "rollback-service") {
    const deployment = needs(input, capability);
    return `Roll the Deployment ${deployment} in ${namespace} back: call rollout_undo with ${values({ namespace, deployment, toRevision: input.toRevision })}${note}`;
  }
  if (capability === "debug-pods") {
    if (input.pod) {
      return `Debug the pod ${input.pod} in ${namespace}: call describe_pod and pod_logs with ${values({ namespace, pod: input.pod, previous: true })}${note}`;
    }
    const deployment = needs(input, capability);
    return `Debug the pods of the Deployment ${deployment} in ${namespace}: call list_pods (${values({ namespace, selector: `app=${deployment}` })}) and events (${values({ namespace })})${note}`;
  }
  return `Inspect the cluster and the namespace ${namespace}: call cluster_nodes, list_deployments, list_pods and events with ${values({ namespace })}${note}`;
}
