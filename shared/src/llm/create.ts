import type { LanguageModelV4 } from "@ai-sdk/provider";
import { generateText } from "ai";
import { systemClock } from "../clock.ts";
import type { MeshConfig } from "../config/env.ts";
import type { Clock } from "../ports/clock.ts";
import type { SqlExecutor } from "../ports/db.ts";
import type { Logger } from "../ports/logger.ts";
import { toLlmError } from "./errors.ts";
import { createOfflineModel, offlineModelId } from "./offline-model.ts";
import { createOpenAiModel } from "./openai-model.ts";
import type { Llm, LlmRequest, LlmResponse } from "./port.ts";
import { costOf, defaultPrices, type PriceTable, priceOf } from "./prices.ts";
import { type LlmCallRecord, recordLlmCall } from "./usage.ts";

export interface LlmSettings {
  readonly config: Pick<MeshConfig, "LLM_BASE_URL" | "LLM_API_KEY" | "LLM_MODEL" | "LLM_PRICES">;
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
 * LLM_BASE_URL when set, the offline deterministic model otherwise. Every call is
 * recorded with its tokens and cost; failures become LlmError. The SDK does not retry
 * (maxRetries 0): retries belong to the broker and the orchestrator.
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

  const record = async (call: LlmCallRecord) => {
    try {
      await recordLlmCall(settings.db, call);
    } catch (error) {
      settings.logger?.error("could not record LLM usage", { error, model: call.modelId });
    }
  };

  return {
    modelId: model.modelId,
    offline,
    model,
    async generate(request: LlmRequest): Promise<LlmResponse> {
      const started = clock.now();
      try {
        const result = await generateText({
          model,
          prompt: request.prompt,
          ...(request.instructions ? { instructions: request.instructions } : {}),
          ...(request.maxOutputTokens ? { maxOutputTokens: request.maxOutputTokens } : {}),
          ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
          ...(request.signal ? { abortSignal: request.signal } : {}),
          maxRetries: 0,
        });
        const modelId = result.response.modelId || model.modelId;
        const tokens = {
          promptTokens: result.usage.inputTokens ?? 0,
          completionTokens: result.usage.outputTokens ?? 0,
        };
        const usage = {
          ...tokens,
          costUsd: costOf(priceOf(prices, modelId) ?? priceOf(prices, model.modelId), tokens),
        };
        const durationMs = clock.now() - started;
        await record({
          modelId,
          offline,
          usage,
          durationMs,
          outcome: "ok",
          context: request.context,
          at: clock.now(),
        });
        return { text: result.text, modelId, offline, usage, durationMs };
      } catch (thrown) {
        const error = toLlmError(thrown, request.signal);
        await record({
          modelId: model.modelId,
          offline,
          usage: { promptTokens: 0, completionTokens: 0, costUsd: 0 },
          durationMs: clock.now() - started,
          outcome: error.type,
          context: request.context,
          at: clock.now(),
          error: error.message,
        });
        throw error;
      }
    },
  };
}
