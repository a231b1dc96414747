import type { LanguageModelV4 } from "@ai-sdk/provider";
import { lazyLanguageModel } from "./lazy-model.ts";

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
  // @ai-sdk/openai is imported at the first call
  return lazyLanguageModel({ provider: "openai.chat", modelId: settings.modelId }, async () => {
    const { createOpenAI } = await import("@ai-sdk/openai");
    const provider = createOpenAI({
      baseURL: settings.baseURL,
      // Local servers (Ollama, LiteLLM without auth) take any key; the SDK insists on one.
      apiKey: settings.apiKey ?? "not-needed",
      ...(settings.fetch ? { fetch: settings.fetch } : {}),
    });
    return provider.chat(settings.modelId);
  });
}
