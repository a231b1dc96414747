import { memoryConfig } from "@mesh-six/shared/config/memory";
import { defineFunction } from "@mesh-six/shared/function/define";
import { answer } from "./answer.ts";

export const generalQuery = "general-query";

/** Answers general questions with the LLM (the offline model when none is configured). */
export const generalAgent = defineFunction({
  name: "general-agent",
  description: "Answers general questions with the LLM.",
  capabilities: [{ name: generalQuery, weight: 0.8 }],
  delivery: { retry: 3, backoffPolicy: "exponential", backoffDelay: "PT0.5S" },
  scaling: { minScale: 0, maxScale: 10, concurrency: 10, timeoutSeconds: 120 },
  // the LLM it answers with and the memory it recalls and learns with
  config: memoryConfig,
  run: answer,
});
