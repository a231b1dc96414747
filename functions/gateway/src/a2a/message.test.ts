import { Message } from "@a2a-js/sdk";
import { describe, expect, it } from "vitest";
import { answerOf, decisionOf, meshRequestOf } from "./message.ts";

const messageOf = (parts: unknown[], metadata?: Record<string, unknown>) =>
  Message.fromJSON({ messageId: "m1", role: "ROLE_USER", parts, ...(metadata ? { metadata } : {}) });

describe("a caller's message as a mesh task", () => {
  it("takes the text as query, merges data parts, and names the capability from metadata or the fallback", () => {
    expect(meshRequestOf(messageOf([{ text: "What is 2+2?" }]), undefined, "general-query")).toEqual({
      ok: true,
      value: { capability: "general-query", payload: { query: "What is 2+2?" } },
    });
    const both = meshRequestOf(
      messageOf([{ text: "plan it" }, { data: { service: "shop" } }], { capability: "plan-deploy" }),
      undefined,
      "general-query",
    );
    expect(both).toEqual({
      ok: true,
      value: { capability: "plan-deploy", payload: { service: "shop", query: "plan it" } },
    });
    expect(
      meshRequestOf(messageOf([{ text: "x" }]), { capability: "ask-service" }, "general-query"),
    ).toMatchObject({
      value: { capability: "ask-service" },
    });
  });

  it("refuses what it cannot carry, saying what to send", () => {
    expect(meshRequestOf(messageOf([{ data: [1, 2] }]), undefined, "q")).toMatchObject({
      ok: false,
      problem: expect.stringContaining("JSON object"),
    });
    expect(
      meshRequestOf(messageOf([{ text: "x" }], { capability: "Not A Name" }), undefined, "q"),
    ).toMatchObject({
      ok: false,
      problem: expect.stringContaining("metadata.capability"),
    });
  });
});

describe("a follow-up message as a person's decision or answer", () => {
  it("reads approve/yes and reject/no, or a data part's decision, keeping the words as the reason", () => {
    expect(decisionOf(messageOf([{ text: "Approved, it is merged" }]))).toEqual({
      ok: true,
      value: { decision: "approved", reason: "Approved, it is merged" },
    });
    expect(decisionOf(messageOf([{ text: "no" }]))).toEqual({ ok: true, value: { decision: "rejected" } });
    expect(decisionOf(messageOf([{ data: { decision: "rejected", reason: "not yet" } }]))).toEqual({
      ok: true,
      value: { decision: "rejected", reason: "not yet" },
    });
    expect(decisionOf(messageOf([{ text: "maybe" }]))).toMatchObject({ ok: false });
  });

  it("reads an answer from the text or a data part", () => {
    expect(answerOf(messageOf([{ text: " shop " }]))).toEqual({ ok: true, value: "shop" });
    expect(answerOf(messageOf([{ data: { answer: "db" } }]))).toEqual({ ok: true, value: "db" });
    expect(answerOf(messageOf([{ data: {} }]))).toMatchObject({ ok: false });
  });
});
