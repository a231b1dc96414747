import { describe, expect, it } from "vitest";
import { conversationOf, wantsLiveText, withCallerInstructions } from "./conversation.ts";

describe("the conversation a chat task carries", () => {
  it("is the question alone without messages", () => {
    expect(conversationOf({ query: "hi" }, "hi")).toEqual({ messages: [{ role: "user", content: "hi" }] });
    expect(conversationOf({ messages: "not a list" }, "hi").messages).toHaveLength(1);
  });

  it("gives the earlier turns, the question last, and the caller's system messages apart", () => {
    const payload = {
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "My name is Ada." },
        { role: "assistant", content: "Hello Ada." },
        { role: "user", content: "/general-query What is my name?" },
      ],
    };
    const conversation = conversationOf(payload, "What is my name?");
    expect(conversation).toEqual({
      messages: [
        { role: "user", content: "My name is Ada." },
        { role: "assistant", content: "Hello Ada." },
        { role: "user", content: "What is my name?" },
      ],
      system: "Be brief.",
    });
    expect(withCallerInstructions("Answer.", conversation.system)).toBe(
      "Answer.\n\nThe caller's instructions:\nBe brief.",
    );
  });

  it("asks for live text only when the payload says stream: true", () => {
    expect(wantsLiveText({ stream: true })).toBe(true);
    expect(wantsLiveText({ stream: "yes" })).toBe(false);
    expect(wantsLiveText(null)).toBe(false);
  });
});
