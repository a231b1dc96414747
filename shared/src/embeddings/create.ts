import type { EmbeddingModelV4 } from "@ai-sdk/provider";
import { systemClock } from "../clock.ts";
import type { MemoryConfig } from "../config/memory.ts";
import { ConfigError } from "../errors.ts";
import { LlmError, toLlmError, withCalls } from "../llm/errors.ts";
import { lazyEmbeddingModel } from "../llm/lazy-model.ts";
import { embeddingRetryGuard, type LlmRetryPolicy, type RetryLog } from "../llm/retry.ts";
import type { Clock } from "../ports/clock.ts";
import type { SqlExecutor } from "../ports/db.ts";
import type { Logger } from "../ports/logger.ts";
import { createLocalEmbeddingModel, localEmbeddingModelId } from "./local-model.ts";
import type { Embedder, EmbedOptions } from "./port.ts";
import { createEmbeddingUsage } from "./usage.ts";

export type EmbedderConfig = Pick<
  MemoryConfig,
  | "LLM_BASE_URL"
  | "LLM_API_KEY"
  | "EMBEDDING_MODEL"
  | "EMBEDDING_BASE_URL"
  | "EMBEDDING_API_KEY"
  | "EMBEDDING_DIMENSIONS"
> &
  Partial<Pick<MemoryConfig, "LLM_PRICES" | "LLM_MAX_RETRIES" | "LLM_RETRY_BUDGET_SECONDS">>;

export interface EmbedderSettings {
  readonly config: EmbedderConfig;
  readonly fetch?: typeof fetch;
  /** Use this model instead of the one the configuration names. */
  readonly model?: EmbeddingModelV4;
  /**
   * Where the calls of a configured embedding model are recorded (`llm_usage` and
   * `mesh_events`, like LLM calls); nothing is recorded without it.
   */
  readonly db?: SqlExecutor;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

// OpenAI's text-embedding-3 models shorten their vectors on request; other models
// (ada-002, Ollama's) refuse or ignore `dimensions`, so it is only sent to these.
const shortenable = /^text-embedding-3/;

/**
 * Embeddings through the AI SDK: `@ai-sdk/openai`'s embedding model at EMBEDDING_BASE_URL
 * (else LLM_BASE_URL) when EMBEDDING_MODEL is set, the deterministic local embedder
 * otherwise. Every vector is checked against EMBEDDING_DIMENSIONS.
 *
 * A configured model is called like the LLM: rate limits and server faults are retried
 * (LLM_MAX_RETRIES within LLM_RETRY_BUDGET_SECONDS; none when the config leaves them
 * out), and with `db` every HTTP call is one `llm_usage` row: the model the server names,
 * its prompt tokens (no completion tokens), the cost from the price table (LLM_PRICES
 * over the built-in one), and the caller's `context` (agent, capability, task, user) as
 * far as it is known. The local embedder makes no call and costs nothing, so it records
 * nothing: one row per recall would only bury the calls that cost money. The text of a
 * private task (`context.private`) is embedded only by the local embedder: a configured
 * model refuses it (LlmError `permission`, not retryable) before anything is sent.
 */
export function createEmbedder(settings: EmbedderSettings): Embedder {
  const { config } = settings;
  const clock = settings.clock ?? systemClock;
  const dimensions = config.EMBEDDING_DIMENSIONS;
  const model = settings.model ?? configuredModel(settings);
  const local = model.modelId === localEmbeddingModelId;
  const sendDimensions = !local && shortenable.test(model.modelId);
  const policy: LlmRetryPolicy = {
    maxRetries: local ? 0 : (config.LLM_MAX_RETRIES ?? 0),
    budgetMs: (config.LLM_RETRY_BUDGET_SECONDS ?? 0) * 1000,
  };
  const usage = createEmbeddingUsage({
    modelId: model.modelId,
    clock,
    ...(settings.db && !local ? { db: settings.db } : {}),
    ...(config.LLM_PRICES ? { prices: config.LLM_PRICES } : {}),
    ...(settings.logger ? { logger: settings.logger } : {}),
  });

  const embedAll = async (texts: readonly string[], options: EmbedOptions = {}): Promise<number[][]> => {
    if (texts.length === 0) return [];
    const context = options.context ?? {};
    const log: RetryLog = { calls: 0, stopped: undefined };
    const started = clock.now();
    if (context.private && !local) {
      // the text of a private task leaves the process only for a model the operator runs
      // for private work; an embedding endpoint is never that, so only the local embedder
      const refused = new LlmError(
        "permission",
        `this task is private, so its text may only be embedded by the local embedder, but EMBEDDING_MODEL is ${model.modelId}; its memories are neither recalled nor stored (unset EMBEDDING_MODEL for the local embedder, or drop "private" from the task)`,
        { retryable: false },
      );
      await usage.recordUnsent(refused, context, 0);
      throw refused;
    }
    let embeddings: number[][];
    try {
      // the AI SDK is imported by the first embedding, not at start
      const { embedMany, wrapEmbeddingModel } = await import("./sdk.ts");
      const result = await embedMany({
        model: local
          ? model
          : wrapEmbeddingModel({
              model,
              middleware: embeddingRetryGuard({
                policy,
                clock,
                log,
                onCall: (call) => usage.recordCall(call, context, options.signal),
              }),
            }),
        values: [...texts],
        maxRetries: policy.maxRetries,
        ...(sendDimensions ? { dimensions } : {}),
        ...(options.signal ? { abortSignal: options.signal } : {}),
      });
      embeddings = result.embeddings;
    } catch (thrown) {
      const error = withCalls(toLlmError(thrown, options.signal), log);
      if (log.calls === 0) await usage.recordUnsent(error, context, clock.now() - started);
      throw error;
    }
    for (const embedding of embeddings) {
      if (embedding.length !== dimensions) {
        throw new ConfigError(
          "EMBEDDING_DIMENSIONS",
          `the embedding model ${model.modelId} returns vectors of ${embedding.length} numbers but EMBEDDING_DIMENSIONS is ${dimensions}; set EMBEDDING_DIMENSIONS=${embedding.length}`,
        );
      }
    }
    return embeddings;
  };

  return {
    modelId: model.modelId,
    dimensions,
    local,
    model,
    async embed(text, options) {
      const [embedding] = await embedAll([text], options);
      return embedding!;
    },
    embedMany: embedAll,
  };
}

function configuredModel(settings: EmbedderSettings): EmbeddingModelV4 {
  const { config } = settings;
  if (!config.EMBEDDING_MODEL) return createLocalEmbeddingModel({ dimensions: config.EMBEDDING_DIMENSIONS });
  const baseURL = config.EMBEDDING_BASE_URL ?? config.LLM_BASE_URL;
  if (!baseURL) {
    throw new ConfigError(
      "EMBEDDING_BASE_URL",
      `EMBEDDING_MODEL is ${config.EMBEDDING_MODEL} but no endpoint is set; set EMBEDDING_BASE_URL (or LLM_BASE_URL) to an OpenAI-compatible API root, or unset EMBEDDING_MODEL for the local embedder`,
    );
  }
  const apiKey = config.EMBEDDING_API_KEY ?? config.LLM_API_KEY;
  const modelId = config.EMBEDDING_MODEL;
  return lazyEmbeddingModel({ provider: "openai.embedding", modelId }, async () => {
    const { createOpenAI } = await import("@ai-sdk/openai");
    const provider = createOpenAI({
      baseURL,
      // Local servers (Ollama, LiteLLM without auth) take any key; the SDK insists on one.
      apiKey: apiKey ?? "not-needed",
      ...(settings.fetch ? { fetch: settings.fetch } : {}),
    });
    return provider.embeddingModel(modelId);
  });
}
