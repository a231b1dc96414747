import { statusOf } from "@mesh-six/integration-argocd";
import { tool } from "@mesh-six/shared/agent";
import { z } from "zod";
import { argocdOf } from "../client.ts";
import { application, riskAssessment, riskOf } from "../risk.ts";

export const createApplication = tool({
  description:
    "Creates an ArgoCD application that deploys a Git repository's path into a namespace of the cluster ArgoCD runs in. Give your risk assessment; a high risk waits for approval.",
  input: z.object({
    application,
    repoURL: z.url().describe("the Git repository"),
    path: z.string().min(1).max(500).describe("the folder of manifests (or chart) in it"),
    targetRevision: z
      .string()
      .min(1)
      .max(200)
      .describe("the branch, tag or commit to follow; HEAD for the default branch"),
    namespace: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/)
      .describe("the namespace to deploy into"),
    project: z.string().min(1).max(253).describe("the ArgoCD project; default for the default one"),
    risk: riskAssessment,
  }),
  needsApproval: (input) => riskOf(input.risk, {}).level === "high",
  failsTask: true,
  async run(input, ctx) {
    const created = await argocdOf(ctx).createApplication({
      metadata: { name: input.application },
      spec: {
        project: input.project,
        source: { repoURL: input.repoURL, path: input.path, targetRevision: input.targetRevision },
        destination: { server: "https://kubernetes.default.svc", namespace: input.namespace },
      },
    });
    return { action: "create", ...statusOf(created) };
  },
});

export const deleteApplication = tool({
  description:
    "Deletes the application from ArgoCD; with cascade, every resource it deployed too. Always waits for a person's approval.",
  input: z.object({
    application,
    cascade: z.boolean().describe("also delete the application's resources from the cluster"),
    risk: riskAssessment,
  }),
  needsApproval: true,
  failsTask: true,
  async run(input, ctx) {
    await argocdOf(ctx).deleteApplication(input.application, { cascade: input.cascade });
    return {
      action: "delete",
      application: input.application,
      cascade: input.cascade,
      risk: riskOf(input.risk, {}),
    };
  },
});
