import { statusOf } from "@mesh-six/integration-argocd";
import { tool } from "@mesh-six/shared/agent";
import { z } from "zod";
import { argocdOf } from "../client.ts";
import { application, riskAssessment, riskOf } from "../risk.ts";

/** "Another operation is already in progress" is tried again after 10 s, then 20 s (past a hop: the sweep resumes it). */
export const operationRetry = { attempts: 3, delay: "PT10S" } as const;

export const syncApplication = tool({
  description:
    "Syncs the application to a Git revision (deploys it). Give your risk assessment; a high risk, or prune=true, waits for a person's approval.",
  input: z.object({
    application,
    revision: z
      .string()
      .min(1)
      .max(200)
      .describe("the Git revision to deploy; HEAD for the application's target revision"),
    prune: z.boolean().describe("also delete resources that are no longer in Git"),
    risk: riskAssessment,
  }),
  needsApproval: (input) => riskOf(input.risk, input).level === "high",
  retry: operationRetry,
  failsTask: true,
  async run(input, ctx) {
    const synced = await argocdOf(ctx).syncApplication(input.application, {
      ...(input.revision === "HEAD" ? {} : { revision: input.revision }),
      ...(input.prune ? { prune: true } : {}),
    });
    return { action: "sync", risk: riskOf(input.risk, input), ...statusOf(synced) };
  },
});
