import { TaskFailure } from "@mesh-six/shared/run/errors";
import type { RunFunction } from "@mesh-six/shared/run/types";
import { learnFrom, withMemories } from "./memory.ts";

const instructions =
  "You are mesh-six's general agent. Answer the question directly and briefly; say so when you do not know.";

/** The question of a task: `payload.query`, else `payload.prompt`. */
export function questionOf(payload: Record<string, unknown>): string | undefined {
  for (const field of ["query", "prompt"]) {
    const value = payload[field];
    if (typeof value === "string" && value.trim() !== "") return value;
  }
  return undefined;
}

/**
 * A general question as a durable run of three steps: recall what the agent remembers
 * about the user, answer with the LLM, learn from the exchange. Each step's result is
 * kept, so a crash after the answer never calls the LLM again.
 */
export const answer: RunFunction = async (input, step, ctx) => {
  const question = questionOf(input);
  if (!question) {
    throw new TaskFailure(
      "invalid_input",
      'payload.query is missing: send the question as {"query": "…"} (or {"prompt": "…"})',
    );
  }
  const userId = ctx.userId;
  const taskId = ctx.task?.taskId ?? ctx.runId;
  const remembered = await step.do("recall", () => withMemories(ctx, instructions, question, userId, taskId));
  const response = await step.llm("answer", { prompt: question, instructions: remembered.instructions });
  const learned = await step.do("learn", () =>
    learnFrom(ctx, { question, answer: response.text, userId, taskId }),
  );
  return {
    answer: response.text,
    model: response.modelId,
    offline: response.offline,
    memories: { recalled: remembered.recalled, learned },
  };
};
