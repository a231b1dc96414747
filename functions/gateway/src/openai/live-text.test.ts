import { describe, expect, it } from "vitest";
import { createTextAssembler } from "./live-text.ts";

describe("assembling live text for a stream", () => {
  const piece = (text: string, offset: number, step = "turn", attempt = 1) => ({
    step,
    attempt,
    offset,
    text,
  });

  it("sends each character once when a piece comes twice", () => {
    const assembler = createTextAssembler();
    expect(assembler.take(piece("Once ", 0))).toBe("Once ");
    expect(assembler.take(piece("Once ", 0))).toBe("");
    expect(assembler.take(piece("upon ", 5))).toBe("upon ");
    expect(assembler.rest("Once upon a time.", true)).toBe("a time.");
  });

  it("follows a new step's text on, and adds nothing that would repeat it", () => {
    const assembler = createTextAssembler();
    assembler.take(piece("Let me look. ", 0, "turn"));
    expect(assembler.take(piece("It is 4.", 0, "turn#2"))).toBe("It is 4.");
    expect(assembler.rest("It is 4.", true)).toBe("");
    expect(assembler.rest("Something else", true)).toBe("");
  });

  it("sends the whole answer when nothing came live", () => {
    expect(createTextAssembler().rest("4", false)).toBe("4");
  });
});
