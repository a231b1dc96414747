import { AgentCard, Message } from "@a2a-js/sdk";
import { describe, expect, it } from "vitest";
import { contentTypeProblem, modesOf } from "./media.ts";

const messageOf = (parts: unknown[]) => Message.fromJSON({ messageId: "m1", role: "ROLE_USER", parts });

const card = AgentCard.fromJSON({
  name: "fleet",
  defaultInputModes: ["text/plain", "application/json"],
  defaultOutputModes: ["text/plain", "application/json"],
  skills: [
    { id: "plan-deploy", inputModes: ["application/json"], outputModes: ["application/json"] },
    { id: "general-query" },
  ],
});

describe("the media types of a message and of the answer it accepts", () => {
  it("takes the skill's modes, else the card's defaults", () => {
    expect(modesOf(card, "plan-deploy")).toEqual({
      input: ["application/json"],
      output: ["application/json"],
    });
    expect(modesOf(card, "general-query").input).toEqual(["text/plain", "application/json"]);
    expect(modesOf(card, "no-such-skill").output).toEqual(["text/plain", "application/json"]);
  });

  it("takes text and data parts, typed by default or as text/plain; charset, and output modes by wildcard", () => {
    const modes = modesOf(card, "general-query");
    const parts = [{ text: "hi" }, { data: { a: 1 } }, { text: "x", mediaType: "Text/Plain; charset=utf-8" }];
    expect(contentTypeProblem(messageOf(parts), [], modes)).toBeUndefined();
    for (const accepted of [["text/plain"], ["image/png", "application/json"], ["text/*"], ["*/*"]]) {
      expect(contentTypeProblem(messageOf([{ text: "hi" }]), accepted, modes)).toBeUndefined();
    }
  });

  it("refuses a part type the skill does not take, any file part, and output modes it never writes, in the spec's words", () => {
    const general = modesOf(card, "general-query");
    const refusals = [
      contentTypeProblem(messageOf([{ text: "x", mediaType: "text/markdown" }]), [], general),
      contentTypeProblem(messageOf([{ text: "plan" }]), [], modesOf(card, "plan-deploy")),
      contentTypeProblem(messageOf([{ raw: "VGVzdA==", mediaType: "text/plain" }]), [], general),
      contentTypeProblem(messageOf([{ url: "https://example.com/a.pdf" }]), [], general),
      contentTypeProblem(messageOf([{ text: "x" }]), ["application/x-unsupported", "image/*"], general),
    ];
    for (const problem of refusals) {
      expect(problem).toMatch(/^Incompatible content types: .*not supported/);
    }
    expect(refusals[0]).toContain("parts[0] has media type 'text/markdown'");
    expect(refusals[1]).toContain("this skill takes application/json");
    expect(refusals[2]).toContain("file part (text/plain)");
    expect(refusals[4]).toContain("acceptedOutputModes (application/x-unsupported, image/*)");
  });
});
