import { z } from "zod";

/** The model's risk assessment of an action, given with the call that takes it. */
export const riskAssessment = z
  .object({
    level: z.enum(["low", "medium", "high"]).describe("how risky the action is for the running service"),
    reasons: z.array(z.string().min(1).max(500)).min(1).max(10).describe("why, one reason each"),
  })
  .describe("your risk assessment of this action, made before it is taken");

export type RiskAssessment = z.infer<typeof riskAssessment>;

const order = { low: 0, medium: 1, high: 2 } as const;

/**
 * The risk the call is taken at: the model's level, raised by rules the model cannot talk
 * down (pruning deletes live resources). A high risk waits for a person.
 */
export function riskOf(assessed: RiskAssessment, rules: { readonly prune?: boolean }): RiskAssessment {
  if (rules.prune && order[assessed.level] < order.high) {
    return {
      level: "high",
      reasons: [...assessed.reasons, "prune deletes live resources that are no longer in Git"],
    };
  }
  return assessed;
}

export const application = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/,
    "is not an ArgoCD application name (lowercase letters, digits, - and .)",
  )
  .describe("the ArgoCD application's name");
