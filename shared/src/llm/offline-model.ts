import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4FunctionTool,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4Usage,
} from "@ai-sdk/provider";
import { answerArithmetic, formatNumber } from "./arithmetic.ts";
import { allText, chooseToolCalls, exampleOf, lastUserText, recentToolResults } from "./offline-rules.ts";

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

/** What the offline model says after tool results: each tool and what it gave, labelled. */
export function offlineToolSummary(results: readonly { toolName: string; value: unknown }[]): string {
  const described = results.map(({ toolName, value }) => {
    const text = JSON.stringify(value ?? null);
    return `${toolName} → ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`;
  });
  return `${offlineLabel} ${described.join("; ")}`;
}

type Answer =
  | { readonly kind: "tools"; readonly calls: { toolName: string; input: unknown }[] }
  | { readonly kind: "text"; readonly text: string };

/**
 * The offline model's answer to a call: tool calls for the tools the user's message
 * names (not yet called), else, with structured output, an object made from the schema
 * (its first free text field the labelled answer), else the labelled text answer, which
 * after tool calls lists what each tool gave.
 */
function offlineReply(options: LanguageModelV4CallOptions): Answer {
  const tools = (options.tools ?? []).filter(
    (tool): tool is LanguageModelV4FunctionTool => tool.type === "function",
  );
  const calls = chooseToolCalls(options.prompt, tools, options.toolChoice);
  if (calls.length > 0) return { kind: "tools", calls };
  const results = recentToolResults(options.prompt);
  const text = results.length > 0 ? offlineToolSummary(results) : offlineAnswer(lastUserText(options.prompt));
  const format = options.responseFormat;
  if (format?.type === "json") {
    const object = format.schema
      ? exampleOf(format.schema as Record<string, unknown>, {
          text: lastUserText(options.prompt),
          label: offlineLabel,
          answer: text,
        })
      : { answer: text };
    return { kind: "text", text: JSON.stringify(object) };
  }
  return { kind: "text", text };
}

/**
 * A deterministic AI SDK language model that needs no network: mesh-six runs with it
 * when no LLM endpoint is configured. It calls tools and answers with structured output
 * by rules over the prompt (offline-rules.ts), so every agent runs end to end offline,
 * and says so in every answer.
 */
export function createOfflineModel(): LanguageModelV4 {
  const reply = (options: LanguageModelV4CallOptions) => {
    const answer = offlineReply(options);
    const output = answer.kind === "text" ? answer.text : JSON.stringify(answer.calls);
    return { answer, usage: usage(estimateTokens(allText(options.prompt)), estimateTokens(output)) };
  };
  let calls = 0;
  const toolCall = (call: { toolName: string; input: unknown }) => {
    calls += 1;
    return {
      type: "tool-call" as const,
      toolCallId: `offline-call-${calls}`,
      toolName: call.toolName,
      input: JSON.stringify(call.input),
    };
  };
  const finish = (answer: Answer) =>
    answer.kind === "tools"
      ? { unified: "tool-calls" as const, raw: "tool_calls" }
      : { unified: "stop" as const, raw: "stop" };
  return {
    specificationVersion: "v4",
    provider: "mesh-six.offline",
    modelId: offlineModelId,
    supportedUrls: {},
    async doGenerate(options): Promise<LanguageModelV4GenerateResult> {
      const { answer, usage } = reply(options);
      return {
        content: answer.kind === "tools" ? answer.calls.map(toolCall) : [{ type: "text", text: answer.text }],
        finishReason: finish(answer),
        usage,
        warnings: [],
        response: { id: "offline", modelId: offlineModelId, timestamp: new Date(0) },
      };
    },
    async doStream(options) {
      const { answer, usage } = reply(options);
      const body: LanguageModelV4StreamPart[] =
        answer.kind === "tools"
          ? answer.calls.map(toolCall)
          : [
              { type: "text-start", id: "0" },
              ...answer.text
                .split(/(?<= )/)
                .map((delta): LanguageModelV4StreamPart => ({ type: "text-delta", id: "0", delta })),
              { type: "text-end", id: "0" },
            ];
      const parts: LanguageModelV4StreamPart[] = [
        { type: "stream-start", warnings: [] },
        { type: "response-metadata", id: "offline", modelId: offlineModelId, timestamp: new Date(0) },
        ...body,
        { type: "finish", usage, finishReason: finish(answer) },
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
