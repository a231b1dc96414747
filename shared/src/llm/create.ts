import type { LanguageModelV4, LanguageModelV4Usage } from "@ai-sdk/provider";
import { systemClock } from "../clock.ts";
import type { LlmConfig } from "../config/llm.ts";
import type { Clock } from "../ports/clock.ts";
import type { SqlExecutor } from "../ports/db.ts";
import type { Logger } from "../ports/logger.ts";
import { LlmError, toLlmError, withCalls } from "./errors.ts";
import { toModelMessages, toToolSet } from "./messages.ts";
import { createOfflineModel, offlineModelId } from "./offline-model.ts";
import { createOpenAiModel } from "./openai-model.ts";
import type {
  Llm,
  LlmObjectRequest,
  LlmObjectResponse,
  LlmRequest,
  LlmResponse,
  LlmTierInfo,
  LlmUsage,
  ModelTier,
} from "./port.ts";
import { modelTiers } from "./port.ts";
import { costOf, defaultPrices, type PriceTable, priceOf } from "./prices.ts";
import { type LlmRetryPolicy, type ObservedCall, type RetryLog, retryGuard } from "./retry.ts";
import { type LlmCallRecord, recordLlmCall } from "./usage.ts";

type TierVariables =
  | `LLM_MODEL_${Uppercase<ModelTier>}`
  | `LLM_BASE_URL_${Uppercase<ModelTier>}`
  | `LLM_API_KEY_${Uppercase<ModelTier>}`;

export interface LlmSettings {
  /** The function's LLM variables (`llmConfig` in shared/src/config/llm.ts). */
  readonly config: LlmConfig;
  /** Where usage is recorded (`llm_usage` and `mesh_events`). */
  readonly db: SqlExecutor;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly fetch?: typeof fetch;
  /** Use this model for every tier instead of the configured ones (tests). */
  readonly model?: LanguageModelV4;
}

interface Tier extends LlmTierInfo {
  readonly model: LanguageModelV4;
}

/**
 * The LLM port on the Vercel AI SDK. Each tier (`local`, `mid`, `strong`) is a chat
 * model at an OpenAI-compatible endpoint (`@ai-sdk/openai`): LLM_MODEL_<TIER> at
 * LLM_BASE_URL_<TIER>, each falling back to LLM_MODEL / LLM_BASE_URL; a tier with no
 * endpoint is the offline deterministic model. Every HTTP call is recorded with its
 * tokens and cost (a failed one with none); failures become LlmError.
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
  const tiers = Object.fromEntries(modelTiers.map((tier) => [tier, tierOf(settings, tier)])) as Record<
    ModelTier,
    Tier
  >;
  const defaultTier: ModelTier = config.LLM_DEFAULT_TIER ?? "mid";
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

  /** One request through the SDK with the retry guard: every HTTP call recorded, failures turned into LlmError. */
  const run = async (request: LlmRequest): Promise<LlmResponse> => {
    const tierName = request.tier ?? defaultTier;
    const tier = tiers[tierName];
    const { model, offline } = tier;
    const usageOf = (modelId: string, usage: LanguageModelV4Usage): LlmUsage => {
      const tokens = {
        promptTokens: usage.inputTokens.total ?? 0,
        completionTokens: usage.outputTokens.total ?? 0,
      };
      return {
        ...tokens,
        costUsd: costOf(priceOf(prices, modelId) ?? priceOf(prices, model.modelId), tokens),
      };
    };
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
      const { generateText, jsonSchema, Output, streamText, wrapLanguageModel } = await sdk();
      const wrapped = wrapLanguageModel({ model, middleware: retryGuard({ policy, clock, log, onCall }) });
      const options = {
        model: wrapped,
        maxRetries: policy.maxRetries,
        ...(request.messages
          ? { messages: toModelMessages(request.messages) }
          : { prompt: request.prompt ?? "" }),
        ...(request.instructions ? { instructions: request.instructions } : {}),
        ...(request.tools ? { tools: toToolSet(request.tools, jsonSchema) } : {}),
        ...(request.toolChoice ? { toolChoice: request.toolChoice } : {}),
        ...(request.output
          ? {
              output: Output.object({
                schema: request.output.schema,
                ...(request.output.name ? { name: request.output.name } : {}),
                ...(request.output.description ? { description: request.output.description } : {}),
              }),
            }
          : {}),
        ...(request.maxOutputTokens ? { maxOutputTokens: request.maxOutputTokens } : {}),
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        ...(request.signal ? { abortSignal: request.signal } : {}),
      };
      const result = request.onText
        ? await streamed(streamText, options, request.onText)
        : await generateText(options);
      const toolCalls = result.toolCalls.map((call) => ({
        id: call.toolCallId,
        name: call.toolName,
        input: call.input,
      }));
      const object = request.output && toolCalls.length === 0 ? result.output : undefined;
      return {
        text: result.text,
        toolCalls,
        ...(object === undefined ? {} : { object }),
        finishReason: String(result.finishReason),
        modelId: answered?.modelId ?? model.modelId,
        tier: tierName,
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

  const info = (tier: Tier): LlmTierInfo => ({ modelId: tier.modelId, offline: tier.offline });
  return {
    modelId: tiers[defaultTier].modelId,
    offline: tiers[defaultTier].offline,
    defaultTier,
    tiers: { local: info(tiers.local), mid: info(tiers.mid), strong: info(tiers.strong) },
    generate: run,
    async generateObject<OBJECT>(request: LlmObjectRequest<OBJECT>): Promise<LlmObjectResponse<OBJECT>> {
      const { schema, schemaName, schemaDescription, ...rest } = request;
      const response = await run({
        ...rest,
        output: {
          schema,
          ...(schemaName ? { name: schemaName } : {}),
          ...(schemaDescription ? { description: schemaDescription } : {}),
        },
      });
      if (response.object === undefined) {
        throw new LlmError("invalid_output", "the LLM answered without the object asked for", {
          retryable: false,
          answer: response.text,
        });
      }
      return { ...response, object: response.object as OBJECT };
    },
  };
}

/** `streamText`, handing each text delta to `onText`, resolved to what `generateText` gives. */
async function streamed(
  streamText: typeof import("./sdk.ts").streamText,
  options: Parameters<typeof import("./sdk.ts").streamText>[0],
  onText: (delta: string) => void,
) {
  let failure: unknown;
  const result = streamText({
    ...options,
    onError: ({ error }) => {
      failure ??= error;
    },
  });
  for await (const delta of result.textStream) onText(delta);
  if (failure !== undefined) throw failure;
  const [text, toolCalls, finishReason] = await Promise.all([
    result.text,
    result.toolCalls,
    result.finishReason,
  ]);
  const output = options.output ? await result.output : undefined;
  return { text, toolCalls, finishReason, output };
}

function tierOf(settings: LlmSettings, tier: ModelTier): Tier {
  if (settings.model) {
    return {
      model: settings.model,
      modelId: settings.model.modelId,
      offline: settings.model.modelId === offlineModelId,
    };
  }
  const suffix = tier.toUpperCase() as Uppercase<ModelTier>;
  const config = settings.config;
  const baseURL = config[`LLM_BASE_URL_${suffix}`] ?? config.LLM_BASE_URL;
  const modelId = config[`LLM_MODEL_${suffix}`] ?? config.LLM_MODEL;
  const apiKey = config[`LLM_API_KEY_${suffix}`] ?? config.LLM_API_KEY;
  if (!baseURL) {
    const model = createOfflineModel();
    return { model, modelId: model.modelId, offline: true };
  }
  const model = createOpenAiModel({
    baseURL,
    modelId,
    ...(apiKey ? { apiKey } : {}),
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  });
  return { model, modelId, offline: false };
}

const noUsage: LlmUsage = { promptTokens: 0, completionTokens: 0, costUsd: 0 };

/** The AI SDK, imported by the first call: a host whose LLM is never asked never loads it. */
const sdk = () => import("./sdk.ts");
