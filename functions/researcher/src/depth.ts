import type { ModelTier } from "@mesh-six/shared/llm";

export const depths = ["quick", "standard", "comprehensive"] as const;
export type Depth = (typeof depths)[number];
export const complexities = ["low", "medium", "high"] as const;
export type Complexity = (typeof complexities)[number];

/** LLM turns a task of each depth may take: the last one answers with what the tools gave. */
export const turnsOf: Readonly<Record<Depth, number>> = { quick: 2, standard: 4, comprehensive: 8 };

/** The model tier by the task's complexity: low → local, medium → mid, high → strong. */
export const tierOf: Readonly<Record<Complexity, ModelTier>> = {
  low: "local",
  medium: "mid",
  high: "strong",
};
