import type { FinishContext } from "@mesh-six/shared/agent";
import type { ResearchAnswer, ResearchResult } from "./answer.ts";
import { foundSources, searchMissing } from "./sources.ts";
import { noProvider } from "./tools/clients.ts";

/**
 * The researcher's result: every cited URL checked against what the tools returned (an
 * invented one is removed and listed in `unverified`), the lack of a search provider said,
 * and the findings stored in memory for every agent (no user), each with its sources.
 */
export async function finishResearch(
  answer: ResearchAnswer,
  run: FinishContext & { readonly input: { readonly query: string; readonly depth: string } },
): Promise<ResearchResult> {
  const consulted = foundSources(run.toolResults);
  const known = new Set(consulted.map((source) => source.url));
  const unverified = new Set<string>();
  const keep = (url: string) => {
    if (known.has(url)) return true;
    unverified.add(url);
    return false;
  };
  const findings = answer.findings.map((finding) => ({ ...finding, sources: finding.sources.filter(keep) }));
  const cited = answer.sources.filter((source) => keep(source.url));
  const searchConfigured = !searchMissing(run.toolResults);
  const limitations = [
    ...answer.limitations,
    ...(searchConfigured || answer.limitations.some((each) => /search provider/i.test(each))
      ? []
      : [noProvider.message]),
    ...(unverified.size > 0 ? [`${unverified.size} cited URL(s) no tool returned were removed`] : []),
  ];
  const remembered = await run.step.do("remember findings", () =>
    rememberFindings(run, answer.summary, findings, consulted),
  );
  return {
    ...answer,
    findings,
    sources: cited,
    limitations,
    depth: run.input.depth,
    consulted,
    unverified: [...unverified],
    searchConfigured,
    remembered,
  };
}

async function rememberFindings(
  run: FinishContext & { readonly input: { readonly query: string } },
  summary: string,
  findings: readonly { statement: string; sources: readonly string[] }[],
  consulted: readonly { url: string }[],
): Promise<string[]> {
  const memory = run.ctx.memory;
  if (!memory?.enabled) return [];
  // each finding with its own sources; a summary without findings with every source the tools returned
  const facts =
    findings.length > 0
      ? findings.map((finding) => ({ content: finding.statement, sources: finding.sources }))
      : [{ content: summary, sources: consulted.map((source) => source.url) }];
  const ids: string[] = [];
  for (const fact of facts) {
    const stored = await memory.remember(`${fact.content} (research on: ${run.input.query.slice(0, 200)})`, {
      userId: null,
      metadata: {
        kind: "fact",
        research: true,
        sources: fact.sources,
        question: run.input.query.slice(0, 500),
        ...(run.ctx.task ? { taskId: run.ctx.task.taskId, capability: run.ctx.task.capability } : {}),
      },
      signal: run.ctx.signal,
    });
    if (stored) ids.push(stored.memory.id);
  }
  return ids;
}
