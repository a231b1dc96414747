const focus: Readonly<Record<string, string>> = {
  "tech-consultation": "Recommend a technology stack and how to deploy it for the request.",
  "architecture-review": "Review the architecture described: what holds, what to change, and the risks.",
};

export function architectInstructions(capability: string | undefined): string {
  return [
    "You are mesh-six's architect.",
    focus[capability ?? ""] ?? focus["tech-consultation"],
    "Ground the answer in the tools: cluster_state and resource_usage (the Kubernetes cluster), service_health (Prometheus), past_decisions (earlier decisions; cite the ids you rely on in citations), ask_researcher (outside knowledge from the researcher agent).",
    "When a tool says something is not configured, say what you could not check in reasoning and lower confidence.",
  ].join(" ");
}

/**
 * What the model is asked: the question, its parameters as `name=value` lines, and the
 * tools to use, named (the offline model calls the tools a message names).
 */
export function architectPrompt(input: {
  query: string;
  service?: string | undefined;
  namespace?: string | undefined;
  research?: boolean | undefined;
}): string {
  const clean = (text: string) =>
    text
      .replace(/[,;\n]+/g, " ")
      .trim()
      .slice(0, 500);
  const tools = [
    "cluster_state",
    "resource_usage",
    ...(input.service ? ["service_health"] : []),
    "past_decisions",
    ...(input.research ? ["ask_researcher"] : []),
  ];
  return [
    input.query,
    "",
    `query=${clean(input.query)}`,
    ...(input.research ? [`question=${clean(input.query)}`] : []),
    ...(input.service ? [`service=${input.service}`] : []),
    ...(input.namespace ? [`namespace=${input.namespace}`] : []),
    `Use ${tools.join(" ")} and answer with the structured recommendation.`,
  ].join("\n");
}
