import type { EmbeddingModelV4 } from "@ai-sdk/provider";
import type { LlmCallContext } from "../llm/port.ts";

export interface EmbedOptions {
  readonly signal?: AbortSignal;
  /**
   * Who the embedding is for (agent, capability, task, user), stored with the call's
   * usage when a configured model makes it; the row has no agent when it is not given.
   */
  readonly context?: Partial<LlmCallContext>;
}

/** Turns text into vectors of a fixed length, through the AI SDK's `embed` / `embedMany`. */
export interface Embedder {
  /** The model's id as configured, e.g. `text-embedding-3-small` or `mesh-six-local-hash-v1`. */
  readonly modelId: string;
  /** How many numbers each vector holds; the `memories.embedding` column agrees with it. */
  readonly dimensions: number;
  /** True for the deterministic local embedder (lexical similarity only, no network). */
  readonly local: boolean;
  /** The AI SDK model behind it. */
  readonly model: EmbeddingModelV4;
  /** One vector, unit length for the local embedder. Throws LlmError when the endpoint fails. */
  embed(text: string, options?: EmbedOptions): Promise<number[]>;
  /** One vector per text, in order. */
  embedMany(texts: readonly string[], options?: EmbedOptions): Promise<number[][]>;
}
