import { defineAgent, tool } from "@mesh-six/shared/agent";
import { defineFunction } from "@mesh-six/shared/function/define";
import { z } from "zod";

/**
 * A run of four steps, one hop each (hopBudgetMs 0), every hop crossing the broker:
 * two side effects counted in `run_effects` when the table exists, an LLM call, one more.
 */
export const stepper = defineFunction({
  name: "stepper",
  description: "test: a chain of steps, one per hop",
  capabilities: [{ name: "step-chain", weight: 1 }],
  runSettings: { hopBudgetMs: 0 },
  async run(input, step) {
    const first = await step.do("first", () => `${String(input.word ?? "x")}-1`);
    const second = await step.do("second", () => `${first}-2`);
    const answer = await step.llm("answer", { prompt: String(input.question ?? "What is 2+2?") });
    const third = await step.do("third", () => `${second}-3`);
    return { chain: third, answer: answer.text };
  },
});

/** Asks three general questions as child tasks at once and joins the answers. */
export const fanOut = defineFunction({
  name: "fan-out",
  description: "test: fans out three child tasks",
  capabilities: [{ name: "fan-out", weight: 1 }],
  async run(input, step) {
    const questions = input.questions as string[];
    const answers = await step.all(
      questions.map((query, index) =>
        step.task<{ answer: string }>(`ask-${index}`, { capability: "general-query", payload: { query } }),
      ),
    );
    return answers.map((answer) => answer.answer);
  },
});

/** What the test agent's tools did, per process: the restart tool's effects are counted here. */
export const restarts: string[] = [];

export const DeployPlan = z.object({
  summary: z.string(),
  risk: z.enum(["low", "medium", "high"]),
  steps: z.array(z.string()),
});

/**
 * A test agent with two tools, one of them needing a person's approval, and a structured
 * answer: `status` looks a service up, `restart` restarts it (approval first).
 */
export const deployPlanner = defineAgent({
  name: "deploy-planner",
  description: "test: plans a deployment, restarting the service when a person agrees",
  capabilities: [{ name: "plan-deploy", weight: 1 }],
  input: z.object({ service: z.string().min(1).max(100), query: z.string().min(1) }),
  output: DeployPlan,
  instructions: (input) =>
    `Plan the deployment of ${input.service}. Use the tools; restart only when needed.`,
  tools: {
    status: tool({
      description: "the service's health and version",
      input: z.object({ service: z.string().min(1) }),
      run: ({ service }) => ({ service, healthy: true, version: "1.4.2" }),
    }),
    restart: tool({
      description: "restarts the service (a person approves first)",
      input: z.object({ service: z.string().min(1) }),
      needsApproval: true,
      run: ({ service }) => {
        restarts.push(service);
        return { restarted: service };
      },
    }),
  },
  maxSteps: 4,
  tier: "strong",
});
