import { defineFunction } from "@mesh-six/shared/function/define";

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
