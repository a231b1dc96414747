import { tool } from "@mesh-six/shared/agent";
import { z } from "zod";

export const architectName = "architect";

/** past_decisions: the architect's earlier decisions on similar questions (stored for every agent), each with its id to cite. */
export const pastDecisions = tool({
  description:
    "Finds the architect's earlier decisions on similar questions; cite the ids of those you rely on in citations",
  input: z.object({ query: z.string().trim().min(1).max(2_000) }),
  run: async ({ query }, ctx) => {
    if (!ctx.memory?.enabled) return { decisions: [], note: "memory is off for the architect" };
    const matches = await ctx.memory.search(query, {
      agent: architectName,
      userId: null,
      limit: 5,
      signal: ctx.signal,
    });
    return {
      decisions: matches
        .filter((match) => match.metadata.decision === true)
        .map((match) => ({
          id: match.id,
          decision: match.content,
          decidedAt: match.createdAt.toISOString(),
          score: Number(match.score.toFixed(3)),
        })),
    };
  },
});
