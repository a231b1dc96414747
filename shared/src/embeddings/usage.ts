import { type LlmError, toLlmError } from "../llm/errors.ts";
import type { LlmCallContext, LlmUsage } from "../llm/port.ts";
import { costOf, defaultPrices, type PriceTable, priceOf } from "../llm/prices.ts";
import type { ObservedEmbeddingCall } from "../llm/retry.ts";
import { type LlmCallRecord, recordLlmCall } from "../llm/usage.ts";
import type { Clock } from "../ports/clock.ts";
import type { SqlExecutor } from "../ports/db.ts";
import type { Logger } from "../ports/logger.ts";

export interface EmbeddingUsageSettings {
  /** The configured model, named when the server does not say which answered. */
  readonly modelId: string;
  readonly clock: Clock;
  /** Where rows go; without it nothing is recorded. */
  readonly db?: SqlExecutor;
  /** LLM_PRICES, over the built-in table. */
  readonly prices?: PriceTable;
  readonly logger?: Logger;
}

/**
 * Records embedding calls in `llm_usage` like LLM calls: the prompt tokens the server
 * counted, no completion tokens, the cost at the model's input price. A failed call is
 * a row with its error type and no tokens.
 */
export function createEmbeddingUsage(settings: EmbeddingUsageSettings) {
  const { clock } = settings;
  const prices: PriceTable = { ...defaultPrices, ...settings.prices };
  const record = async (call: LlmCallRecord) => {
    if (!settings.db) return;
    try {
      await recordLlmCall(settings.db, call);
    } catch (error) {
      settings.logger?.error("could not record embedding usage", { error, model: call.modelId });
    }
  };
  const failed = (error: LlmError, context: Partial<LlmCallContext>, durationMs: number) =>
    record({
      modelId: settings.modelId,
      offline: false,
      usage: noUsage,
      durationMs,
      outcome: error.type,
      context,
      at: clock.now(),
      error: error.message,
    });

  return {
    /** One HTTP call the SDK made (through the retry guard). */
    async recordCall(
      call: ObservedEmbeddingCall,
      context: Partial<LlmCallContext>,
      signal?: AbortSignal,
    ): Promise<void> {
      if (!call.ok) return failed(toLlmError(call.error, signal), context, call.durationMs);
      const modelId = answeringModel(call.result.response?.body) ?? settings.modelId;
      const tokens = call.result.usage?.tokens;
      const counted = { promptTokens: Number.isFinite(tokens) ? Number(tokens) : 0, completionTokens: 0 };
      const price = priceOf(prices, modelId) ?? priceOf(prices, settings.modelId);
      await record({
        modelId,
        offline: false,
        usage: { ...counted, costUsd: costOf(price, counted) },
        durationMs: call.durationMs,
        outcome: "ok",
        context,
        at: clock.now(),
      });
    },
    /** A request that failed before any call was made (e.g. aborted). */
    recordUnsent: failed,
  };
}

const noUsage: LlmUsage = { promptTokens: 0, completionTokens: 0, costUsd: 0 };

/** The `model` an OpenAI-shaped embeddings body names. */
function answeringModel(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !("model" in body)) return undefined;
  return typeof body.model === "string" && body.model !== "" ? body.model : undefined;
}
