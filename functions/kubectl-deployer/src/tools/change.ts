import { KubernetesError } from "@mesh-six/integration-kubernetes";
import { z } from "zod";
import { kubernetesOf } from "../client.ts";
import { kubeTool } from "../kube-tool.ts";
import { deployment, namespace, pod } from "../names.ts";

export const setImage = kubeTool({
  description:
    "Deploys a new image to a Deployment's container by server-side apply (field manager mesh-six). image is a full reference, or :<tag> for the same repository at another tag.",
  input: z.object({
    namespace,
    deployment,
    image: z.string().min(2).max(500).describe("e.g. ghcr.io/acme/shop:1.3.0, or :1.3.0"),
    container: z.string().max(253).optional().describe("which container; the first when omitted"),
  }),
  operations: ["readDeployment", "patchDeployment"],
  failsTask: true,
  async run(input, ctx) {
    const client = kubernetesOf(ctx);
    const current = await client.getDeployment(input.namespace, input.deployment);
    const container = current.images.find(
      (each) => each.container === (input.container ?? current.images[0]?.container),
    );
    if (!container) {
      throw new KubernetesError(
        "invalid",
        `deployment ${input.deployment} has no container ${input.container ?? ""}; its containers: ${current.images.map((each) => each.container).join(", ")}`,
        { retryable: false },
      );
    }
    const image = input.image.startsWith(":")
      ? `${(container.image ?? "").replace(/(@[^/]+|:[^:/]+)$/, "")}${input.image}`
      : input.image;
    return {
      action: "set image",
      from: container.image,
      ...(await client.setImage(input.namespace, input.deployment, container.container, image)),
    };
  },
});

export const rolloutUndo = kubeTool({
  description:
    "Rolls a Deployment back as kubectl rollout undo does: to the revision before the current one, or to toRevision.",
  input: z.object({
    namespace,
    deployment,
    toRevision: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("the revision to go back to (list_deployments shows the current one)"),
  }),
  operations: ["readDeployment", "listReplicaSets", "patchDeployment"],
  failsTask: true,
  run: (input, ctx) => kubernetesOf(ctx).undoRollout(input.namespace, input.deployment, input.toRevision),
});

export const rolloutRestart = kubeTool({
  description:
    "Restarts every pod of a Deployment, one by one (kubectl rollout restart). Waits for a person's approval.",
  input: z.object({ namespace, deployment }),
  operations: ["patchDeployment"],
  needsApproval: true,
  run: (input, ctx) =>
    kubernetesOf(ctx).restartRollout(input.namespace, input.deployment, new Date(ctx.clock.now())),
});

export const scale = kubeTool({
  description: "Sets a Deployment's replicas. Waits for a person's approval.",
  input: z.object({ namespace, deployment, replicas: z.number().int().min(0).max(1000) }),
  operations: ["scaleDeployment"],
  needsApproval: true,
  run: (input, ctx) => kubernetesOf(ctx).scale(input.namespace, input.deployment, input.replicas),
});

export const deletePod = kubeTool({
  description: "Deletes a pod (its controller makes a new one). Waits for a person's approval.",
  input: z.object({ namespace, pod }),
  operations: ["deletePod"],
  needsApproval: true,
  run: (input, ctx) => kubernetesOf(ctx).deletePod(input.namespace, input.pod),
});

export const deleteDeployment = kubeTool({
  description: "Deletes a Deployment and its pods. Waits for a person's approval.",
  input: z.object({ namespace, deployment }),
  operations: ["deleteDeployment"],
  needsApproval: true,
  run: (input, ctx) => kubernetesOf(ctx).deleteDeployment(input.namespace, input.deployment),
});
