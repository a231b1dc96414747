import { type AgentFunction, defineAgent } from "@mesh-six/shared/agent";
import { z } from "zod";
import { researchAnswer } from "./answer.ts";
import { researcherConfig } from "./config.ts";
import { complexities, depths, tierOf, turnsOf } from "./depth.ts";
import { finishResearch } from "./finish.ts";
import { researcherInstructions, researchPrompt } from "./prompts.ts";
import { researchClients } from "./tools/clients.ts";
import { pastResearch, researcherName } from "./tools/past-research.ts";
import { repositoryAnalysis } from "./tools/repository.ts";
import { docsSearch, webSearch } from "./tools/search.ts";

const text = z.string().trim().min(1).max(20_000);

export const researchInput = z
  .object({
    query: text.optional(),
    topic: text.optional(),
    depth: z.enum(depths).default("standard").describe("quick (2 turns), standard (4) or comprehensive (8)"),
    complexity: z
      .enum(complexities)
      .default("medium")
      .describe("low → the local model, medium → mid, high → strong"),
    repository: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be owner/name, as in github.com/owner/name")
      .optional(),
    userId: z.string().min(1).max(200).optional(),
  })
  .refine((input) => input.query !== undefined || input.topic !== undefined, {
    message: 'is missing: send the question as {"query": "…"} (or {"topic": "…"})',
    path: ["query"],
  })
  .transform(({ topic, ...input }) => ({ ...input, query: input.query ?? topic ?? "" }));

/** The researcher, its outside systems reached through `fetch` (injectable for tests). */
export function createResearcher(options: { readonly fetch?: typeof fetch } = {}): AgentFunction {
  const clients = (config: z.output<typeof researcherConfig>) => researchClients(config, options.fetch);
  return defineAgent({
    name: researcherName,
    description:
      "Researches a question on the web, in documentation and in GitHub repositories, citing only the sources its tools found.",
    capabilities: [
      { name: "deep-research", weight: 0.8 },
      { name: "technical-research", weight: 0.9 },
      { name: "market-analysis", weight: 0.7 },
    ],
    input: researchInput,
    output: researchAnswer,
    config: researcherConfig,
    // URLs may carry credentials: the manifests read them from a Secret too
    secrets: [
      { env: "SEARXNG_URL", secret: "mesh-six-researcher", key: "searxng-url", optional: true },
      { env: "GITHUB_API_URL", secret: "mesh-six-researcher", key: "github-api-url", optional: true },
      {
        env: "BRAVE_SEARCH_API_KEY",
        secret: "mesh-six-researcher",
        key: "brave-search-api-key",
        optional: true,
      },
      { env: "GITHUB_TOKEN", secret: "mesh-six-researcher", key: "github-token", optional: true },
    ],
    instructions: (_input, ctx) => researcherInstructions(ctx.task?.capability),
    prompt: researchPrompt,
    tools: {
      web_search: webSearch(clients),
      docs_search: docsSearch(clients),
      repository_analysis: repositoryAnalysis(clients),
      past_research: pastResearch,
    },
    tier: (input) => tierOf[input.complexity],
    maxSteps: turnsOf.comprehensive,
    maxStepsFor: (input) => turnsOf[input.depth],
    lastTurnAnswers: true,
    finish: finishResearch,
    memory: { recall: true, learn: false },
    delivery: { retry: 3, backoffPolicy: "exponential", backoffDelay: "PT0.5S" },
    scaling: { minScale: 0, maxScale: 5, concurrency: 5, timeoutSeconds: 300 },
  });
}

/** Researches a question (`deep-research`, `technical-research`, `market-analysis`), depth and tier chosen per task. */
export const researcher = createResearcher();

export type { ResearchAnswer, ResearchResult } from "./answer.ts";
export { researcherConfig } from "./config.ts";
