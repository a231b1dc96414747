import { defineAgent } from "@mesh-six/shared/agent";
import { z } from "zod";

export const generalQuery = "general-query";

const question = z.string().trim().min(1).max(20_000);

/** Answers general questions with the LLM (the offline model when none is configured), remembering each user. */
export const generalAgent = defineAgent({
  name: "general-agent",
  description: "Answers general questions with the LLM.",
  capabilities: [{ name: generalQuery, weight: 0.8 }],
  input: z
    .object({
      query: question.optional(),
      prompt: question.optional(),
      userId: z.string().min(1).max(200).optional(),
    })
    .refine((input) => input.query !== undefined || input.prompt !== undefined, {
      message: 'is missing: send the question as {"query": "…"} (or {"prompt": "…"})',
      path: ["query"],
    }),
  prompt: (input) => input.query ?? input.prompt ?? "",
  instructions:
    "You are mesh-six's general agent. Answer the question directly and briefly; say so when you do not know.",
  memory: true,
  delivery: { retry: 3, backoffPolicy: "exponential", backoffDelay: "PT0.5S" },
  scaling: { minScale: 0, maxScale: 10, concurrency: 10, timeoutSeconds: 120 },
});
