import { type AgentFunction, consult, defineAgent } from "@mesh-six/shared/agent";
import { z } from "zod";
import { recommendation } from "./answer.ts";
import { clusterReadRules } from "./cluster/kubernetes.ts";
import { architectConfig } from "./config.ts";
import { finishRecommendation } from "./finish.ts";
import { architectInstructions, architectPrompt } from "./prompts.ts";
import { clusterTools } from "./tools/cluster.ts";
import { serviceHealth } from "./tools/health.ts";
import { architectName, pastDecisions } from "./tools/past-decisions.ts";

const text = z.string().trim().min(1).max(20_000);

export const architectInput = z
  .object({
    query: text.optional(),
    question: text.optional(),
    service: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,100}$/, "must be a job or service name")
      .optional(),
    namespace: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a Kubernetes namespace name")
      .optional(),
    research: z
      .boolean()
      .optional()
      .describe("ask the researcher (technical-research) for outside knowledge"),
    userId: z.string().min(1).max(200).optional(),
  })
  .refine((input) => input.query !== undefined || input.question !== undefined, {
    message: 'is missing: send the request as {"query": "…"} (or {"question": "…"})',
    path: ["query"],
  })
  .transform(({ question, ...input }) => ({ ...input, query: input.query ?? question ?? "" }));

/** The architect, the cluster's and Prometheus's APIs reached through `fetch` (injectable for tests). */
export function createArchitect(options: { readonly fetch?: typeof fetch } = {}): AgentFunction {
  return defineAgent({
    name: architectName,
    description:
      "Recommends stacks and deployment strategies and reviews architectures from the cluster's state, service health and past decisions.",
    capabilities: [
      { name: "tech-consultation", weight: 0.9 },
      { name: "architecture-review", weight: 0.9 },
    ],
    input: architectInput,
    output: recommendation,
    config: architectConfig,
    // URLs may carry credentials: the manifests read them from a Secret too
    secrets: [
      { env: "KUBERNETES_API_URL", secret: "mesh-six-architect", key: "kubernetes-api-url", optional: true },
      { env: "KUBERNETES_TOKEN", secret: "mesh-six-architect", key: "kubernetes-token", optional: true },
      { env: "PROMETHEUS_URL", secret: "mesh-six-architect", key: "prometheus-url", optional: true },
    ],
    kubernetesAccess: { clusterWide: true, rules: clusterReadRules.map((rule) => ({ ...rule })) },
    instructions: (_input, ctx) => architectInstructions(ctx.task?.capability),
    prompt: architectPrompt,
    tools: {
      ...clusterTools(options.fetch),
      service_health: serviceHealth(options.fetch),
      past_decisions: pastDecisions,
      ask_researcher: consult({
        description:
          "Asks the researcher agent (technical-research, routed by score) a question that needs outside knowledge",
        input: z.object({
          question: z.string().trim().min(1).max(2_000),
          depth: z.enum(["quick", "standard", "comprehensive"]).optional(),
        }),
        capability: "technical-research",
        payload: ({ question, depth }) => ({
          query: question,
          depth: depth ?? "quick",
          complexity: "medium",
        }),
        timeout: 300,
      }),
    },
    tier: "strong",
    maxSteps: 6,
    lastTurnAnswers: true,
    finish: finishRecommendation,
    memory: { recall: true, learn: false },
    delivery: { retry: 3, backoffPolicy: "exponential", backoffDelay: "PT0.5S" },
    scaling: { minScale: 0, maxScale: 5, concurrency: 5, timeoutSeconds: 300 },
  });
}

/** Answers `tech-consultation` and `architecture-review` with the structured recommendation. */
export const architect = createArchitect();

export type { ArchitectResult, Recommendation } from "./answer.ts";
export { architectConfig } from "./config.ts";
