import { describe, expect, it } from "vitest";
import { extractByRules } from "./rules.ts";

const user = (content: string) => ({ role: "user" as const, content });

describe("extraction by rules (the offline model)", () => {
  it("turns first-person statements into standalone third-person facts", () => {
    expect(extractByRules([user("I prefer concise answers. What is the capital of France?")])).toEqual([
      { content: "The user prefers concise answers.", kind: "preference" },
    ]);
    expect(
      extractByRules([
        user("My name is Ada Lovelace. I work at the Analytical Engine Company and I'm a mathematician."),
        user("I don't like YAML. I really love Rust!\nMy timezone is Europe/London."),
        user("I live in London with my cat. Please always answer in British English."),
      ]),
    ).toEqual([
      { content: "The user's name is Ada Lovelace.", kind: "profile" },
      {
        content: "The user works at the Analytical Engine Company and they are a mathematician.",
        kind: "profile",
      },
      { content: "The user does not like YAML.", kind: "preference" },
      { content: "The user loves Rust.", kind: "preference" },
      { content: "The user's timezone is Europe/London.", kind: "profile" },
    ]);
  });

  it("keeps at most `max` facts and leaves out repeats", () => {
    const facts = extractByRules(
      [user("I use Neovim. I use Neovim. I like tea. I need coffee. I own a Pi."), user("I run k3s.")],
      3,
    );
    expect(facts.map((fact) => fact.content)).toEqual([
      "The user uses Neovim.",
      "The user likes tea.",
      "The user needs coffee.",
    ]);
  });

  it("ignores questions, hedges, the assistant's answers and sentences with nothing after the verb", () => {
    expect(
      extractByRules([
        user("Do I prefer tabs? I'm not sure. I'm wondering about Kafka. I like."),
        { role: "assistant", content: "I prefer to answer briefly. My name is Assistant." },
      ]),
    ).toEqual([]);
  });
});
