import { z } from "zod";
import type { Llm, LlmCallContext } from "../llm/port.ts";
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
  /** Its retries (LLM_MAX_RETRIES within LLM_RETRY_BUDGET_SECONDS) and usage records apply. */
  readonly llm: Llm;
}

/**
 * Distils a conversation into standalone facts with the LLM's structured output
 * (`llm.generateObject` with a zod schema): retried and recorded like every LLM call,
 * one `llm_usage` row per HTTP call under the request's context (capability
 * `memory-extraction`). Throws LlmError when the call fails, or at once for the offline model.
 */
export async function extractFactsWithLlm(
  settings: ExtractionSettings,
  conversation: readonly ConversationMessage[],
  request: { readonly context: LlmCallContext; readonly signal?: AbortSignal; readonly max?: number },
): Promise<ExtractedFact[]> {
  const response = await settings.llm.generateObject({
    instructions: extractionInstructions,
    prompt: transcript(conversation),
    schema: extractedFactsSchema,
    schemaName: "memories",
    temperature: 0,
    context: request.context,
    ...(request.signal ? { signal: request.signal } : {}),
  });
  return response.object.facts
    .slice(0, request.max ?? 5)
    .map((fact) => ({ ...fact, content: fact.content.trim() }));
}

/** The conversation as the extraction prompt shows it. */
export function transcript(conversation: readonly ConversationMessage[]): string {
  const lines = conversation.map(
    (message) => `${message.role === "user" ? "User" : "Assistant"}: ${message.content.trim()}`,
  );
  return `Conversation:\n${lines.join("\n")}\n\nWhat should be remembered about the user?`;
}
