import type { LanguageModelV4, LanguageModelV4Usage } from "@ai-sdk/provider";
import { systemClock } from "../clock.ts";
import type { MeshConfig } from "../config/env.ts";
import type { Clock } from "../ports/clock.ts";
import type { SqlExecutor } from "../ports/db.ts";
import type { Logger } from "../ports/logger.ts";
import { LlmError, toLlmError, withCalls } from "./errors.ts";
import { createOfflineModel, offlineModelId } from "./offline-model.ts";
import { createOpenAiModel } from "./openai-model.ts";
import type { Llm, LlmObjectRequest, LlmObjectResponse, LlmRequest, LlmResponse, LlmUsage } from "./port.ts";
import { costOf, defaultPrices, type PriceTable, priceOf } from "./prices.ts";
import { type LlmRetryPolicy, type ObservedCall, type RetryLog, retryGuard } from "./retry.ts";
import { type LlmCallRecord, recordLlmCall } from "./usage.ts";

export interface LlmSettings {
  readonly config: Pick<
    MeshConfig,
    | "LLM_BASE_URL"
    | "LLM_API_KEY"
    | "LLM_MODEL"
    | "LLM_PRICES"
    | "LLM_MAX_RETRIES"
    | "LLM_RETRY_BUDGET_SECONDS"
  >;
  /** Where usage is recorded (`llm_usage` and `mesh_events`). */
  readonly db: SqlExecutor;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly fetch?: typeof fetch;
  /** Use this model instead of the one the configuration names. */
  readonly model?: LanguageModelV4;
}

/**
 * The LLM port on the Vercel AI SDK: `@ai-sdk/openai` chat completions against
 * LLM_BASE_URL when set, the offline deterministic model otherwise. Every HTTP call is
 * recorded with its tokens and cost (a failed one with none); failures become LlmError.
 * `generateObject` is the same call with structured output (`Output.object`, a zod schema).
 *
 * Rate limits (429) and server faults (5xx, network) are retried within the request by
 * the SDK (`maxRetries` = LLM_MAX_RETRIES, waiting what the server's `retry-after-ms` /
 * `retry-after` asks, else 2 s, 4 s, …), as long as the next try can start within
 * LLM_RETRY_BUDGET_SECONDS of the first; what is left fails the task attempt with a
 * retryable error, and the orchestrator decides (docs/routing.md).
 */
export function createLlm(settings: LlmSettings): Llm {
  const { config } = settings;
  const clock = settings.clock ?? systemClock;
  const offline = settings.model ? settings.model.modelId === offlineModelId : !config.LLM_BASE_URL;
  const model =
    settings.model ??
    (config.LLM_BASE_URL
      ? createOpenAiModel({
          baseURL: config.LLM_BASE_URL,
          modelId: config.LLM_MODEL,
          ...(config.LLM_API_KEY ? { apiKey: config.LLM_API_KEY } : {}),
          ...(settings.fetch ? { fetch: settings.fetch } : {}),
        })
      : createOfflineModel());
  const prices: PriceTable = { ...defaultPrices, ...config.LLM_PRICES };
  const policy: LlmRetryPolicy = {
    maxRetries: config.LLM_MAX_RETRIES,
    budgetMs: config.LLM_RETRY_BUDGET_SECONDS * 1000,
  };

  const record = async (call: LlmCallRecord) => {
    try {
      await recordLlmCall(settings.db, call);
    } catch (error) {
      settings.logger?.error("could not record LLM usage", { error, model: call.modelId });
    }
  };

  const usageOf = (modelId: string, usage: LanguageModelV4Usage): LlmUsage => {
    const tokens = {
      promptTokens: usage.inputTokens.total ?? 0,
      completionTokens: usage.outputTokens.total ?? 0,
    };
    return { ...tokens, costUsd: costOf(priceOf(prices, modelId) ?? priceOf(prices, model.modelId), tokens) };
  };

  /**
   * One request through the SDK with the retry guard: every HTTP call recorded, the
   * answer's model and usage kept, failures turned into LlmError.
   */
  const run = async <RESULT>(
    request: LlmRequest,
    ask: (wrapped: LanguageModelV4, maxRetries: number) => Promise<RESULT>,
  ): Promise<{ result: RESULT } & Omit<LlmResponse, "text">> => {
    const started = clock.now();
    const log: RetryLog = { calls: 0, stopped: undefined };
    let answered: { modelId: string; usage: LlmUsage } | undefined;
    const onCall = async (call: ObservedCall) => {
      const at = clock.now();
      const base = { offline, durationMs: call.durationMs, context: request.context, at };
      if (call.ok) {
        const modelId = call.result.response?.modelId || model.modelId;
        answered = { modelId, usage: usageOf(modelId, call.result.usage) };
        await record({ ...base, ...answered, outcome: "ok" });
      } else {
        const error = toLlmError(call.error, request.signal);
        await record({
          ...base,
          modelId: model.modelId,
          usage: noUsage,
          outcome: error.type,
          error: error.message,
        });
      }
    };
    try {
      const { wrapLanguageModel } = await sdk();
      const wrapped = wrapLanguageModel({ model, middleware: retryGuard({ policy, clock, log, onCall }) });
      const result = await ask(wrapped, policy.maxRetries);
      return {
        result,
        modelId: answered?.modelId ?? model.modelId,
        offline,
        usage: answered?.usage ?? noUsage,
        durationMs: clock.now() - started,
        calls: log.calls,
      };
    } catch (thrown) {
      const error = withCalls(toLlmError(thrown, request.signal), log);
      if (log.calls === 0) {
        await record({
          modelId: model.modelId,
          offline,
          usage: noUsage,
          durationMs: clock.now() - started,
          outcome: error.type,
          context: request.context,
          at: clock.now(),
          error: error.message,
        });
      }
      throw error;
    }
  };

  const common = (request: LlmRequest) => ({
    prompt: request.prompt,
    ...(request.instructions ? { instructions: request.instructions } : {}),
    ...(request.maxOutputTokens ? { maxOutputTokens: request.maxOutputTokens } : {}),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.signal ? { abortSignal: request.signal } : {}),
  });

  return {
    modelId: model.modelId,
    offline,
    model,
    async generate(request: LlmRequest): Promise<LlmResponse> {
      const { generateText } = await sdk();
      const { result, ...response } = await run(request, (wrapped, maxRetries) =>
        generateText({ model: wrapped, ...common(request), maxRetries }),
      );
      return { text: result.text, ...response };
    },
    async generateObject<OBJECT>(request: LlmObjectRequest<OBJECT>): Promise<LlmObjectResponse<OBJECT>> {
      if (offline) {
        throw new LlmError(
          "invalid_input",
          `the offline model (${model.modelId}) answers only text, not structured output${request.schemaName ? ` (${request.schemaName})` : ""}; check llm.offline and use rules instead, or set LLM_BASE_URL to an OpenAI-compatible endpoint`,
          { retryable: false },
        );
      }
      const { generateText, Output } = await sdk();
      const output = Output.object<OBJECT>({
        schema: request.schema,
        ...(request.schemaName ? { name: request.schemaName } : {}),
        ...(request.schemaDescription ? { description: request.schemaDescription } : {}),
      });
      const { result, ...response } = await run(request, (wrapped, maxRetries) =>
        generateText({ model: wrapped, ...common(request), output, maxRetries }),
      );
      return { object: result.output, ...response };
    },
  };
}

const noUsage: LlmUsage = { promptTokens: 0, completionTokens: 0, costUsd: 0 };

/** The AI SDK, imported by the first call: a host whose LLM is never asked never loads it. */
const sdk = () => import("./sdk.ts");
