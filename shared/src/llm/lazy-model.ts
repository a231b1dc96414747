import type { EmbeddingModelV4, LanguageModelV4 } from "@ai-sdk/provider";

interface Identity {
  /** What the provider's model reports, e.g. `openai.chat`. */
  readonly provider: string;
  readonly modelId: string;
}

/** Calls `load` once, on first use, and keeps its promise (a failure is kept too, and rethrown). */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}

/**
 * A language model whose provider package is imported at its first call instead of at
 * start: a process that never calls it (an agent waiting for work, the offline model's
 * hosts) never loads the provider.
 */
export function lazyLanguageModel(identity: Identity, load: () => Promise<LanguageModelV4>): LanguageModelV4 {
  const model = once(load);
  return {
    specificationVersion: "v4",
    ...identity,
    get supportedUrls() {
      return model().then((loaded) => loaded.supportedUrls);
    },
    doGenerate: async (options) => (await model()).doGenerate(options),
    doStream: async (options) => (await model()).doStream(options),
  };
}

/** The same for an embedding model. */
export function lazyEmbeddingModel(
  identity: Identity,
  load: () => Promise<EmbeddingModelV4>,
): EmbeddingModelV4 {
  const model = once(load);
  return {
    specificationVersion: "v4",
    ...identity,
    get maxEmbeddingsPerCall() {
      return model().then((loaded) => loaded.maxEmbeddingsPerCall);
    },
    get supportsParallelCalls() {
      return model().then((loaded) => loaded.supportsParallelCalls);
    },
    doEmbed: async (options) => (await model()).doEmbed(options),
  };
}
