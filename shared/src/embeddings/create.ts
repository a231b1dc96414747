import { createOpenAI } from "@ai-sdk/openai";
import type { EmbeddingModelV4 } from "@ai-sdk/provider";
import { embedMany } from "ai";
import type { MeshConfig } from "../config/env.ts";
import { ConfigError } from "../errors.ts";
import { toLlmError } from "../llm/errors.ts";
import { createLocalEmbeddingModel, localEmbeddingModelId } from "./local-model.ts";
import type { Embedder, EmbedOptions } from "./port.ts";

export type EmbedderConfig = Pick<
  MeshConfig,
  | "LLM_BASE_URL"
  | "LLM_API_KEY"
  | "EMBEDDING_MODEL"
  | "EMBEDDING_BASE_URL"
  | "EMBEDDING_API_KEY"
  | "EMBEDDING_DIMENSIONS"
>;

export interface EmbedderSettings {
  readonly config: EmbedderConfig;
  readonly fetch?: typeof fetch;
  /** Use this model instead of the one the configuration names. */
  readonly model?: EmbeddingModelV4;
}

// OpenAI's text-embedding-3 models shorten their vectors on request; other models
// (ada-002, Ollama's) refuse or ignore `dimensions`, so it is only sent to these.
const shortenable = /^text-embedding-3/;

/**
 * Embeddings through the AI SDK: `@ai-sdk/openai`'s embedding model at EMBEDDING_BASE_URL
 * (else LLM_BASE_URL) when EMBEDDING_MODEL is set, the deterministic local embedder
 * otherwise. Every vector is checked against EMBEDDING_DIMENSIONS. No SDK retries: the
 * broker retries deliveries.
 */
export function createEmbedder(settings: EmbedderSettings): Embedder {
  const { config } = settings;
  const dimensions = config.EMBEDDING_DIMENSIONS;
  const model = settings.model ?? configuredModel(settings);
  const local = model.modelId === localEmbeddingModelId;
  const sendDimensions = !local && shortenable.test(model.modelId);

  const embedAll = async (texts: readonly string[], options: EmbedOptions = {}): Promise<number[][]> => {
    if (texts.length === 0) return [];
    let embeddings: number[][];
    try {
      const result = await embedMany({
        model,
        values: [...texts],
        maxRetries: 0,
        ...(sendDimensions ? { dimensions } : {}),
        ...(options.signal ? { abortSignal: options.signal } : {}),
      });
      embeddings = result.embeddings;
    } catch (error) {
      throw toLlmError(error, options.signal);
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
  const provider = createOpenAI({
    baseURL,
    // Local servers (Ollama, LiteLLM without auth) take any key; the SDK insists on one.
    apiKey: apiKey ?? "not-needed",
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  });
  return provider.embeddingModel(config.EMBEDDING_MODEL);
}
