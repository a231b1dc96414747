import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModelV4 } from "@ai-sdk/provider";

export interface OpenAiModelSettings {
  /** An OpenAI-compatible API root, e.g. http://localhost:4000/v1 (LiteLLM) or http://localhost:11434/v1 (Ollama). */
  readonly baseURL: string;
  readonly apiKey?: string;
  readonly modelId: string;
  readonly fetch?: typeof fetch;
}

/**
 * A chat-completions model (`POST {baseURL}/chat/completions`): the one API every
 * OpenAI-compatible server implements.
 */
export function createOpenAiModel(settings: OpenAiModelSettings): LanguageModelV4 {
  const provider = createOpenAI({
    baseURL: settings.baseURL,
    // Local servers (Ollama, LiteLLM without auth) take any key; the SDK insists on one.
    apiKey: settings.apiKey ?? "not-needed",
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  });
  return provider.chat(settings.modelId);
}
