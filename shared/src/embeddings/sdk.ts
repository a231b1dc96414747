/** The parts of the AI SDK the embedder calls, imported at its first call (see llm/sdk.ts). */
export { embedMany, wrapEmbeddingModel } from "ai";
