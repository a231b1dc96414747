import type { Depth } from "./depth.ts";

const focus: Readonly<Record<string, string>> = {
  "deep-research": "Research the question in depth: compare viewpoints and say where sources disagree.",
  "technical-research":
    "Research the technical question: prefer official documentation and source repositories, name versions.",
  "market-analysis":
    "Analyse the market: vendors and projects, adoption signals (stars, activity, releases), trade-offs.",
};

/** The researcher's instructions for the task's capability. */
export function researcherInstructions(capability: string | undefined): string {
  return [
    "You are mesh-six's researcher.",
    focus[capability ?? ""] ?? focus["technical-research"],
    "Use the tools: web_search, docs_search, repository_analysis (when a repository is named) and past_research.",
    "Cite only URLs that a tool returned, in each finding's sources and in sources; never invent a source.",
    "When a tool says no search provider is configured, say so in limitations and cite no web sources.",
  ].join(" ");
}

/**
 * What the model is asked: the question, then the parameters as `name=value` lines, then
 * the tools to use, named (the offline model calls the tools a message names; a real model reads it as a plan).
 */
export function researchPrompt(input: {
  query: string;
  depth: Depth;
  repository?: string | undefined;
}): string {
  const clean = (text: string) => text.replace(/[,;\n]+/g, " ").trim();
  const tools = [
    "web_search",
    "docs_search",
    ...(input.repository ? ["repository_analysis"] : []),
    "past_research",
  ];
  return [
    input.query,
    "",
    `query=${clean(input.query).slice(0, 500)}`,
    ...(input.repository ? [`repository=${input.repository}`] : []),
    `depth=${input.depth}`,
    `Use ${tools.join(" ")} and answer with the findings and their sources.`,
  ].join("\n");
}
