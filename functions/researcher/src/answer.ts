import { z } from "zod";

/** What the model answers (structured output). */
export const researchAnswer = z.object({
  summary: z.string().min(1).describe("the answer to the research question, in a few sentences"),
  findings: z
    .array(
      z.object({
        statement: z.string().min(1),
        sources: z.array(z.string()).describe("URLs of the sources, from the tools' results only"),
      }),
    )
    .describe("what was found, each with the URLs that support it"),
  sources: z
    .array(z.object({ title: z.string(), url: z.string() }))
    .describe("every source used, from the tools' results only; empty when no tool found any"),
  confidence: z.number().min(0).max(1),
  limitations: z.array(z.string()).describe("what could not be checked, e.g. no search provider"),
});

export type ResearchAnswer = z.output<typeof researchAnswer>;

/** A source a tool returned: the only kind a result may cite. */
export interface FoundSource {
  readonly title: string;
  readonly url: string;
  readonly tool: string;
}

/** The task's result: the answer with its sources checked against what the tools returned. */
export interface ResearchResult extends ResearchAnswer {
  readonly depth: string;
  /** Every source the tools returned, cited or not. */
  readonly consulted: readonly FoundSource[];
  /** URLs the model cited that no tool returned, removed from the answer. */
  readonly unverified: readonly string[];
  /** Whether a web search provider was configured. */
  readonly searchConfigured: boolean;
  /** Ids of the memories the findings were stored as. */
  readonly remembered: readonly string[];
}
