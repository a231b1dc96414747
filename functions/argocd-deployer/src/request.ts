import { z } from "zod";
import { application } from "./risk.ts";

/** A deploy-service, rollback-service or sync-gitops payload. */
export const deployRequest = z.object({
  service: application.describe("the ArgoCD application to act on (its name)"),
  revision: z.string().min(1).max(200).optional().describe("the Git revision to deploy (deploy-service)"),
  version: z
    .union([z.string().min(1).max(200), z.number()])
    .optional()
    .describe("the version to deploy, as a Git revision (a tag); revision wins when both are given"),
  prune: z.boolean().optional().describe("delete resources no longer in Git (waits for approval)"),
  historyId: z.number().int().min(0).optional().describe("rollback-service: the history entry to go back to"),
  query: z.string().max(4000).optional().describe("anything more the requester says"),
  userId: z.string().min(1).max(200).optional(),
});

export type DeployRequest = z.output<typeof deployRequest>;
