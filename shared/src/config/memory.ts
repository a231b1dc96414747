import { z } from "zod";
import { llmConfig } from "./llm.ts";

/**
 * Long-term memory (`ctx.memory`, the gateway's /memories): the embedder, which falls back
 * to the LLM's endpoint and prices, and the agents it is off for. It includes `llmConfig`,
 * as memory distils facts with the LLM. Include it in the config of every function that
 * recalls, learns or searches memories.
 */
export const memoryConfig = z.object({
  ...llmConfig.shape,
  EMBEDDING_MODEL: z
    .string()
    .min(1)
    .optional()
    .describe(
      "embedding model at EMBEDDING_BASE_URL (or LLM_BASE_URL); the local deterministic embedder when unset",
    ),
  EMBEDDING_BASE_URL: z
    .url()
    .optional()
    .describe("OpenAI-compatible endpoint for embeddings; LLM_BASE_URL when unset"),
  EMBEDDING_API_KEY: z.string().min(1).optional().describe("API key for embeddings; LLM_API_KEY when unset"),
  EMBEDDING_DIMENSIONS: z.coerce
    .number()
    .int()
    .min(2)
    .max(2000)
    .default(512)
    .describe("length of every embedding vector; the memories.embedding column is resized to it while empty"),
  MEMORY_DISABLED_AGENTS: z
    .string()
    .transform((text) =>
      text
        .split(",")
        .map((agent) => agent.trim())
        .filter((agent) => agent !== ""),
    )
    .optional()
    .describe("comma-separated agents (function names) that neither recall nor store memories"),
});

export type MemoryConfig = z.output<typeof memoryConfig>;
