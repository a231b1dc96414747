import { describe, expect, it } from "vitest";
import { textProblem } from "./text.ts";

describe("textProblem", () => {
  it("accepts any well-formed text without NUL", () => {
    for (const text of ["", "grüße 😀", "\uFEFF", "a\u0001b"]) expect(textProblem(text)).toBeUndefined();
  });

  it("names NUL and lone surrogates, and where the surrogate is", () => {
    expect(textProblem("a\u0000")).toContain("U+0000");
    expect(textProblem("ab\ud800")).toContain("U+D800 at character 2");
    expect(textProblem("\udc00😀")).toContain("U+DC00 at character 0");
    expect(textProblem("😀\ud83d")).toContain("at character 2");
  });
});
