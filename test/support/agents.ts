import { defineAgent, tool } from "@mesh-six/shared/agent";
import { z } from "zod";

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
