import { z } from "zod";

/** The roster's structured recommendation: what the model answers. */
export const recommendation = z.object({
  summary: z.string().min(1).describe("the recommendation in a few sentences"),
  recommendedStack: z
    .array(
      z.object({
        component: z.string().min(1).describe("what part of the system, e.g. database, messaging"),
        choice: z.string().min(1),
        why: z.string().min(1),
      }),
    )
    .min(1),
  deploymentStrategy: z
    .string()
    .min(1)
    .describe("how to roll it out: GitOps, canary, blue-green, …, and why"),
  risks: z
    .array(
      z.object({
        risk: z.string().min(1),
        severity: z.enum(["low", "medium", "high"]),
        mitigation: z.string().min(1),
      }),
    )
    .min(1),
  reasoning: z.string().min(1).describe("why, from the cluster state, service health and past decisions"),
  confidence: z.number().min(0).max(1),
  citations: z.array(z.string()).describe("ids of the past decisions (from past_decisions) this relies on"),
});

export type Recommendation = z.output<typeof recommendation>;

export interface PastDecision {
  readonly id: string;
  readonly decision: string;
}

/** The task's result: the recommendation, its citations checked, and the decision as stored. */
export interface ArchitectResult extends Recommendation {
  /** Every past decision past_decisions showed the model. */
  readonly consultedDecisions: readonly PastDecision[];
  /** Ids the model cited that past_decisions never returned, removed from `citations`. */
  readonly unverifiedCitations: readonly string[];
  /** The memory this decision was stored as; null when memory is off. */
  readonly decisionId: string | null;
}
