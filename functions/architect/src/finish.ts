import type { FinishContext } from "@mesh-six/shared/agent";
import type { ArchitectResult, PastDecision, Recommendation } from "./answer.ts";

/** The past decisions the run's past_decisions calls returned. */
export function shownDecisions(run: FinishContext): PastDecision[] {
  const shown = new Map<string, PastDecision>();
  for (const outcome of run.toolResults) {
    if (outcome.tool !== "past_decisions" || outcome.error) continue;
    for (const each of (outcome.result as { decisions?: PastDecision[] }).decisions ?? [])
      shown.set(each.id, each);
  }
  return [...shown.values()];
}

/**
 * The architect's result: citations checked against the decisions it was shown (an id no
 * tool returned is removed), and the decision stored in memory for every agent, with what it cites.
 */
export async function finishRecommendation(
  answer: Recommendation,
  run: FinishContext & { readonly input: { readonly query: string } },
): Promise<ArchitectResult> {
  const consultedDecisions = shownDecisions(run);
  const known = new Set(consultedDecisions.map((each) => each.id));
  const citations = [...new Set(answer.citations)].filter((id) => known.has(id));
  const unverifiedCitations = answer.citations.filter((id) => !known.has(id));
  const decisionId = await run.step.do("remember decision", async () => {
    const memory = run.ctx.memory;
    if (!memory?.enabled) return null;
    const stack = answer.recommendedStack.map((each) => `${each.component}: ${each.choice}`).join("; ");
    const stored = await memory.remember(
      `Decision on "${run.input.query.slice(0, 300)}": ${answer.summary} Stack: ${stack}. Deployment: ${answer.deploymentStrategy}`,
      {
        userId: null,
        metadata: {
          kind: "fact",
          decision: true,
          question: run.input.query.slice(0, 500),
          confidence: answer.confidence,
          citations,
          ...(run.ctx.task ? { taskId: run.ctx.task.taskId, capability: run.ctx.task.capability } : {}),
        },
        signal: run.ctx.signal,
      },
    );
    return stored?.memory.id ?? null;
  });
  return { ...answer, citations, consultedDecisions, unverifiedCitations, decisionId };
}
