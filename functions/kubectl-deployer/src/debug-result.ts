import { z } from "zod";

/** What debug-pods answers: the LLM's analysis of what it read. */
export const debugResult = z.object({
  diagnosis: z.string().min(1).max(4000).describe("what is wrong, in a sentence or two"),
  evidence: z
    .array(z.string().min(1).max(1000))
    .min(1)
    .max(20)
    .describe("what shows it: log lines, events, states"),
  suggestedFix: z.string().min(1).max(4000).describe("what to do about it"),
  confidence: z.number().min(0).max(1).describe("how sure the diagnosis is, 0–1"),
});

export type DebugResult = z.infer<typeof debugResult>;
