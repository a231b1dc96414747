import { ArgoCdError, statusOf } from "@mesh-six/integration-argocd";
import { tool } from "@mesh-six/shared/agent";
import { z } from "zod";
import { argocdOf } from "../client.ts";
import { application, riskAssessment, riskOf } from "../risk.ts";
import { operationRetry } from "./sync.ts";

export const rollbackApplication = tool({
  description:
    "Rolls the application back to a deployment of its history (the one before the current one when historyId is not given). Give your risk assessment; a high risk waits for a person's approval.",
  input: z.object({
    application,
    historyId: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("the history entry to go back to (application_status lists them)"),
    risk: riskAssessment,
  }),
  needsApproval: (input) => riskOf(input.risk, {}).level === "high",
  retry: operationRetry,
  failsTask: true,
  async run(input, ctx) {
    const client = argocdOf(ctx);
    let id = input.historyId;
    if (id === undefined) {
      const { history } = await client.status(input.application);
      const previous = history.at(-2);
      if (!previous) {
        throw new ArgoCdError(
          "bad_request",
          `${input.application} has ${history.length} deployment(s) in its history: there is none before the current one to roll back to`,
          { retryable: false },
        );
      }
      id = previous.id;
    }
    const rolled = await client.rollbackApplication(input.application, id);
    return { action: "rollback", toHistoryId: id, risk: riskOf(input.risk, {}), ...statusOf(rolled) };
  },
});
