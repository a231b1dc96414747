import { tool } from "@mesh-six/shared/agent";
import { z } from "zod";

/** The agent whose memories hold research findings. */
export const researcherName = "researcher";

/** past_research: findings of earlier research (any user's: findings are stored for every agent), with their sources. */
export const pastResearch = tool({
  description:
    "Finds findings of earlier research on the topic, each with its sources and when it was stored",
  input: z.object({ query: z.string().trim().min(1).max(2_000) }),
  run: async ({ query }, ctx) => {
    if (!ctx.memory?.enabled) return { findings: [], note: "memory is off for the researcher" };
    const matches = await ctx.memory.search(query, {
      agent: researcherName,
      userId: null,
      limit: 5,
      signal: ctx.signal,
    });
    return {
      findings: matches.map((match) => ({
        id: match.id,
        finding: match.content,
        sources: Array.isArray(match.metadata.sources) ? match.metadata.sources : [],
        storedAt: match.createdAt.toISOString(),
        score: Number(match.score.toFixed(3)),
      })),
    };
  },
});
