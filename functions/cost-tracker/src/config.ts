import { z } from "zod";

/** The cost tracker's variables: how spikes are told from ordinary spend. */
export const costTrackerConfig = z.object({
  COST_SPIKE_FACTOR: z.coerce
    .number()
    .gt(1)
    .max(1000)
    .default(3)
    .describe(
      "an agent's or user's spend in 24 hours past this many times its trailing daily average is a spike",
    ),
  COST_SPIKE_MINIMUM_USD: z.coerce
    .number()
    .nonnegative()
    .max(1_000_000)
    .default(1)
    .describe(
      "no spike alert below this spend in 24 hours (USD); a spender without history is measured against it",
    ),
  COST_REPORT_TOP: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(5)
    .describe("how many top spending agents and users the scheduled report names"),
});

export type CostTrackerSettings = z.output<typeof costTrackerConfig>;
