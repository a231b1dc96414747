import { statusOf } from "@mesh-six/integration-argocd";
import { tool } from "@mesh-six/shared/agent";
import { z } from "zod";
import { argocdOf } from "../client.ts";
import { application } from "../risk.ts";

export const applicationStatus = tool({
  description:
    "The application's sync and health status, its revision, its last operation, its deployment history (ids for rollback) and its resources with their health.",
  input: z.object({ application }),
  async run(input, ctx) {
    const client = argocdOf(ctx);
    const [status, tree] = await Promise.all([
      client.status(input.application),
      client.resourceTree(input.application),
    ]);
    return {
      ...status,
      resources: (tree.nodes ?? []).map((node) => ({
        kind: node.kind,
        name: node.name,
        namespace: node.namespace,
        health: node.health?.status,
      })),
    };
  },
});

export const listApplications = tool({
  description:
    "Every application ArgoCD manages (optionally of one project), with its sync and health status.",
  input: z.object({
    project: z.string().max(253).optional().describe("only this ArgoCD project's applications"),
  }),
  async run(input, ctx) {
    const apps = await argocdOf(ctx).listApplications(input.project ? { project: input.project } : {});
    return apps.map((app) => {
      const { name, sync, health, revision } = statusOf(app);
      return { name, sync, health, revision };
    });
  },
});
