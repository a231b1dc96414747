import { z } from "zod";

/**
 * The LLM a function calls (`ctx.llm`, `step.llm`): include it in the `config` of every
 * function that calls a model, e.g. `config: llmConfig` or
 * `config: z.object({ ...llmConfig.shape, MY_VARIABLE: … })`. With none of it set, the
 * offline deterministic model answers.
 */
export const llmConfig = z.object({
  LLM_BASE_URL: z.url().optional().describe("OpenAI-compatible endpoint; the offline model when unset"),
  LLM_API_KEY: z.string().min(1).optional().describe("API key of LLM_BASE_URL"),
  LLM_MODEL: z.string().min(1).default("gpt-4o-mini").describe("chat model at LLM_BASE_URL"),
  LLM_DEFAULT_TIER: z
    .enum(["local", "mid", "strong"])
    .default("mid")
    .describe("the model tier a call gets when it asks for none"),
  LLM_MODEL_LOCAL: z.string().min(1).optional().describe("the local tier's model (LLM_MODEL when unset)"),
  LLM_MODEL_MID: z.string().min(1).optional().describe("the mid tier's model (LLM_MODEL when unset)"),
  LLM_MODEL_STRONG: z.string().min(1).optional().describe("the strong tier's model (LLM_MODEL when unset)"),
  LLM_BASE_URL_LOCAL: z.url().optional().describe("the local tier's endpoint (LLM_BASE_URL when unset)"),
  LLM_BASE_URL_MID: z.url().optional().describe("the mid tier's endpoint (LLM_BASE_URL when unset)"),
  LLM_BASE_URL_STRONG: z.url().optional().describe("the strong tier's endpoint (LLM_BASE_URL when unset)"),
  LLM_API_KEY_LOCAL: z
    .string()
    .min(1)
    .optional()
    .describe("API key of LLM_BASE_URL_LOCAL (LLM_API_KEY when unset)"),
  LLM_API_KEY_MID: z
    .string()
    .min(1)
    .optional()
    .describe("API key of LLM_BASE_URL_MID (LLM_API_KEY when unset)"),
  LLM_API_KEY_STRONG: z
    .string()
    .min(1)
    .optional()
    .describe("API key of LLM_BASE_URL_STRONG (LLM_API_KEY when unset)"),
  LLM_PRICES: z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: "custom", message: "must be JSON" });
        return z.NEVER;
      }
    })
    .pipe(
      z.record(
        z.string(),
        z.strictObject({ input: z.number().nonnegative(), output: z.number().nonnegative() }),
        {
          error: 'must map model ids to USD per million tokens, e.g. {"my-model":{"input":0.5,"output":1.5}}',
        },
      ),
    )
    .optional()
    .describe("LLM prices, USD per million tokens, added to the built-in table"),
  LLM_MAX_RETRIES: z.coerce
    .number()
    .int()
    .min(0)
    .max(5)
    .default(2)
    .describe("retries of a rate-limited (429) or failed (5xx, network) LLM call within one request"),
  LLM_RETRY_BUDGET_SECONDS: z.coerce
    .number()
    .min(0)
    .max(300)
    .default(30)
    .describe(
      "longest an LLM call may spend on retries, waits included; a retry whose wait would end later is not made",
    ),
  LLM_BUDGET_STORE: z
    .enum(["postgres", "kv"])
    .default("postgres")
    .describe(
      "where budget reservations are counted: postgres (budget_usage) or kv (the key-value store: in-process or Upstash Redis)",
    ),
  LLM_BUDGET_OUTPUT_TOKENS: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(1024)
    .describe(
      "output tokens reserved for a call under a budget that sets no maxOutputTokens; the call is capped at it",
    ),
  LLM_ESTIMATE_COMPLEXITY: z
    .stringbool()
    .default(false)
    .describe(
      "pick the tier of a call whose agent and task name none from its size (short and plain: local, long or tool-heavy: strong)",
    ),
});

export type LlmConfig = z.output<typeof llmConfig>;
