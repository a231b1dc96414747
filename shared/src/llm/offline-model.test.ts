import { generateText, streamText } from "ai";
import { describe, expect, it } from "vitest";
import { answerArithmetic } from "./arithmetic.ts";
import { createOfflineModel, offlineAnswer, offlineModelId } from "./offline-model.ts";

describe("the offline model", () => {
  it("works out simple arithmetic and labels the answer", () => {
    expect(offlineAnswer("What is 2+2?")).toBe("[offline model] 2+2 = 4");
    expect(offlineAnswer("what's 12 x (3 + 4)?")).toBe("[offline model] 12 * (3 + 4) = 84");
    expect(offlineAnswer("Calculate 2^10 - 1")).toBe("[offline model] 2^10 - 1 = 1023");
    expect(offlineAnswer("What is 1/3?")).toBe("[offline model] 1/3 = 0.3333333333");
    expect(answerArithmetic("What is 7 / 0?")).toBeUndefined();
    expect(answerArithmetic("Deploy version 1.2 to 3 pods")).toBeUndefined();
  });

  it("gives a canned answer to anything else, saying it is not a real one", () => {
    const answer = offlineAnswer("Why is the sky blue?");
    expect(answer.startsWith("[offline model]")).toBe(true);
    expect(answer).toContain("LLM_BASE_URL");
    expect(answer).toContain("Why is the sky blue?");
    expect(offlineAnswer("Why is the sky blue?")).toBe(answer);
  });

  it("is an AI SDK language model for generateText and streamText, with usage", async () => {
    const model = createOfflineModel();
    const result = await generateText({ model, instructions: "Be brief.", prompt: "What is 6 * 7?" });
    expect(result.text).toBe("[offline model] 6 * 7 = 42");
    expect(result.response.modelId).toBe(offlineModelId);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBe(Math.ceil(result.text.length / 4));
    const stream = streamText({ model, prompt: "What is 6 * 7?" });
    expect(await stream.text).toBe(result.text);
  });
});
