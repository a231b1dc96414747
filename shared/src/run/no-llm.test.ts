import { describe, expect, it } from "vitest";
import { NonRetryableError } from "../errors.ts";
import { noLlm } from "./no-llm.ts";

describe("a run without an LLM port", () => {
  it("fails each call for good, naming the function and what to give it", async () => {
    const llm = noLlm("planner");
    const call = llm.generate({ prompt: "hello" } as Parameters<typeof llm.generate>[0]);
    await expect(call).rejects.toBeInstanceOf(NonRetryableError);
    await expect(call).rejects.toThrow(/^planner: step\.llm has no LLM port: give the runtime ctx\.llm/);
    await expect(llm.generateObject({} as Parameters<typeof llm.generateObject>[0])).rejects.toThrow(
      /no LLM port/,
    );
  });
});
