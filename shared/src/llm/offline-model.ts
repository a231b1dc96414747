import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
  LanguageModelV4Usage,
} from "@ai-sdk/provider";
import { answerArithmetic, formatNumber } from "./arithmetic.ts";

export const offlineModelId = "mesh-six-offline";
export const offlineLabel = "[offline model]";

/**
 * What the offline model says: simple arithmetic worked out, everything else a canned
 * answer. Every answer starts with "[offline model]" so nobody mistakes it for an LLM's.
 */
export function offlineAnswer(question: string): string {
  const arithmetic = answerArithmetic(question);
  if (arithmetic) {
    return `${offlineLabel} ${arithmetic.expression.replace(/\s+/g, " ")} = ${formatNumber(arithmetic.value)}`;
  }
  const quoted = question.trim().replace(/\s+/g, " ").slice(0, 160);
  return `${offlineLabel} No language model is configured, so this is a fixed answer from mesh-six's offline model, not a real one. Set LLM_BASE_URL (and LLM_API_KEY) to an OpenAI-compatible endpoint to have "${quoted}" answered properly.`;
}

/** A rough token count (4 characters a token), the same for the same text. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * A deterministic AI SDK language model that needs no network: mesh-six runs with it
 * when no LLM endpoint is configured.
 */
export function createOfflineModel(): LanguageModelV4 {
  const answer = (options: LanguageModelV4CallOptions) => {
    const text = offlineAnswer(lastUserText(options.prompt));
    return { text, usage: usage(estimateTokens(allText(options.prompt)), estimateTokens(text)) };
  };
  return {
    specificationVersion: "v4",
    provider: "mesh-six.offline",
    modelId: offlineModelId,
    supportedUrls: {},
    async doGenerate(options): Promise<LanguageModelV4GenerateResult> {
      const { text, usage } = answer(options);
      return {
        content: [{ type: "text", text }],
        finishReason: { unified: "stop", raw: "stop" },
        usage,
        warnings: [],
        response: { id: "offline", modelId: offlineModelId, timestamp: new Date(0) },
      };
    },
    async doStream(options) {
      const { text, usage } = answer(options);
      const parts: LanguageModelV4StreamPart[] = [
        { type: "stream-start", warnings: [] },
        { type: "response-metadata", id: "offline", modelId: offlineModelId, timestamp: new Date(0) },
        { type: "text-start", id: "0" },
        ...text
          .split(/(?<= )/)
          .map((delta): LanguageModelV4StreamPart => ({ type: "text-delta", id: "0", delta })),
        { type: "text-end", id: "0" },
        { type: "finish", usage, finishReason: { unified: "stop", raw: "stop" } },
      ];
      return {
        stream: new ReadableStream<LanguageModelV4StreamPart>({
          start(controller) {
            for (const part of parts) controller.enqueue(part);
            controller.close();
          },
        }),
      };
    },
  };
}

function usage(input: number, output: number): LanguageModelV4Usage {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

function partsText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: { type?: string; text?: string }) => (part.type === "text" ? (part.text ?? "") : ""))
    .join("");
}

function lastUserText(prompt: LanguageModelV4Prompt): string {
  const user = prompt.findLast((message) => message.role === "user");
  return user ? partsText(user.content) : "";
}

function allText(prompt: LanguageModelV4Prompt): string {
  return prompt.map((message) => partsText(message.content)).join("\n");
}
