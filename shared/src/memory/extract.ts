import { generateText, Output } from "ai";
import { z } from "zod";
import { systemClock } from "../clock.ts";
import type { MeshConfig } from "../config/env.ts";
import { toLlmError } from "../llm/errors.ts";
import type { Llm, LlmCallContext } from "../llm/port.ts";
import { costOf, defaultPrices, priceOf } from "../llm/prices.ts";
import { recordLlmCall } from "../llm/usage.ts";
import type { Clock } from "../ports/clock.ts";
import type { SqlExecutor } from "../ports/db.ts";
import type { ConversationMessage, ExtractedFact } from "./port.ts";
import { maxMemoryLength } from "./store.ts";

/** What the LLM answers with: a few standalone facts, each with its kind. */
export const extractedFactsSchema = z.object({
  facts: z
    .array(
      z.object({
        content: z
          .string()
          .min(1)
          .max(maxMemoryLength)
          .describe("one standalone fact in the third person, e.g. 'The user prefers concise answers.'"),
        kind: z
          .enum(["preference", "profile", "fact"])
          .describe(
            "preference: how the user wants things; profile: who the user is; fact: anything else lasting",
          ),
      }),
    )
    .max(10),
});

export const extractionInstructions = `You maintain the long-term memory of an AI assistant.
From the conversation, write down what is worth remembering about the user for future conversations:
their preferences (how they want answers, tools they like or avoid), their profile (name, role, employer,
location, timezone, projects, systems they run) and lasting decisions.
Rules:
- Each fact stands alone: third person ("The user ..."), no pronouns pointing into the conversation.
- Only what the user said about themselves or decided; never general knowledge, never the assistant's answer.
- At most 5 facts; an empty list when nothing is worth remembering (questions alone are not facts).`;

export interface ExtractionSettings {
  readonly llm: Llm;
  /** Where the call's usage is recorded (`llm_usage`, `mesh_events`). */
  readonly db: SqlExecutor;
  readonly config?: Pick<MeshConfig, "LLM_PRICES">;
  readonly clock?: Clock;
}

/**
 * Distils a conversation into standalone facts with the LLM's structured output
 * (`generateText` with `Output.object` and a zod schema), recorded like every LLM call.
 * Throws LlmError when the call fails.
 */
export async function extractFactsWithLlm(
  settings: ExtractionSettings,
  conversation: readonly ConversationMessage[],
  request: { readonly context: LlmCallContext; readonly signal?: AbortSignal; readonly max?: number },
): Promise<ExtractedFact[]> {
  const { llm, db } = settings;
  const clock = settings.clock ?? systemClock;
  const started = clock.now();
  const prices = { ...defaultPrices, ...settings.config?.LLM_PRICES };
  const record = (
    outcome: Parameters<typeof recordLlmCall>[1]["outcome"],
    tokens: { promptTokens: number; completionTokens: number },
    modelId: string,
    error?: string,
  ) =>
    recordLlmCall(db, {
      modelId,
      offline: llm.offline,
      usage: { ...tokens, costUsd: costOf(priceOf(prices, modelId) ?? priceOf(prices, llm.modelId), tokens) },
      durationMs: clock.now() - started,
      outcome,
      context: request.context,
      at: clock.now(),
      ...(error ? { error } : {}),
    });
  try {
    const result = await generateText({
      model: llm.model,
      instructions: extractionInstructions,
      prompt: transcript(conversation),
      output: Output.object({ schema: extractedFactsSchema, name: "memories" }),
      temperature: 0,
      maxRetries: 0,
      ...(request.signal ? { abortSignal: request.signal } : {}),
    });
    await record(
      "ok",
      { promptTokens: result.usage.inputTokens ?? 0, completionTokens: result.usage.outputTokens ?? 0 },
      result.response.modelId || llm.modelId,
    );
    return result.output.facts
      .slice(0, request.max ?? 5)
      .map((fact) => ({ ...fact, content: fact.content.trim() }));
  } catch (thrown) {
    const error = toLlmError(thrown, request.signal);
    await record(error.type, { promptTokens: 0, completionTokens: 0 }, llm.modelId, error.message);
    throw error;
  }
}

/** The conversation as the extraction prompt shows it. */
export function transcript(conversation: readonly ConversationMessage[]): string {
  const lines = conversation.map(
    (message) => `${message.role === "user" ? "User" : "Assistant"}: ${message.content.trim()}`,
  );
  return `Conversation:\n${lines.join("\n")}\n\nWhat should be remembered about the user?`;
}
