import type { ToolOutcome } from "@mesh-six/shared/agent";
import type { FoundSource } from "./answer.ts";

interface Hit {
  readonly title?: unknown;
  readonly url?: unknown;
}

/** Every source the run's tools returned (search hits, the analysed repository, past findings' sources), once each. */
export function foundSources(outcomes: readonly ToolOutcome[]): FoundSource[] {
  const found = new Map<string, FoundSource>();
  const add = (url: unknown, title: unknown, tool: string) => {
    if (typeof url !== "string" || url === "" || found.has(url)) return;
    found.set(url, { url, title: typeof title === "string" && title !== "" ? title : url, tool });
  };
  for (const outcome of outcomes) {
    if (outcome.error || !outcome.result || typeof outcome.result !== "object") continue;
    const result = outcome.result as {
      hits?: Hit[];
      url?: unknown;
      fullName?: unknown;
      findings?: { sources?: unknown }[];
    };
    for (const hit of result.hits ?? []) add(hit.url, hit.title, outcome.tool);
    if (outcome.tool === "repository_analysis") add(result.url, result.fullName, outcome.tool);
    for (const finding of result.findings ?? []) {
      for (const source of Array.isArray(finding.sources) ? finding.sources : [])
        add(source, undefined, outcome.tool);
    }
  }
  return [...found.values()];
}

/** Whether any search tool said no provider is configured. */
export function searchMissing(outcomes: readonly ToolOutcome[]): boolean {
  return outcomes.some(
    (outcome) => (outcome.result as { configured?: unknown } | null)?.configured === false,
  );
}
