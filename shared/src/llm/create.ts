import type { LanguageModelV4, LanguageModelV4Usage } from "@ai-sdk/provider";
import { systemClock } from "../clock.ts";
import type { LlmConfig } from "../config/llm.ts";
import { type BudgetGuard, createBudgetGuard, type Estimate, type Hold } from "../cost/guard.ts";
import { createKvReservations } from "../cost/kv-store.ts";
import { createPostgresReservations } from "../cost/postgres-store.ts";
import { chooseTier, estimateComplexity } from "../cost/tier-choice.ts";
import { ConfigError } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { SqlExecutor } from "../ports/db.ts";
import type { Kv } from "../ports/kv.ts";
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
import { requestSize } from "./request-size.ts";
import { type LlmRetryPolicy, type ObservedCall, type RetryLog, retryGuard } from "./retry.ts";
import { type LlmCallRecord, recordLlmCall } from "./usage.ts";

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
  /** The key-value store budgets are counted in when LLM_BUDGET_STORE is `kv`. */
  readonly kv?: Kv;
  /**
   * The budget check; by default one on LLM_BUDGET_STORE. `"off"` only for the benchmark's
   * baseline (test/bench/budget.ts): every host builds the port with the check.
   */
  readonly budgets?: BudgetGuard | "off";
}

interface Tier extends LlmTierInfo {
  readonly model: LanguageModelV4;
  /** Safe for private data: the offline model, or an endpoint of its own (LLM_BASE_URL_LOCAL). */
  readonly private: boolean;
}

const openHold = (tier: ModelTier): Hold => ({ tier, limited: false, counters: [] });

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
  const guard = settings.budgets ?? budgetGuardOf(settings, clock);
  const outputReserve = config.LLM_BUDGET_OUTPUT_TOKENS ?? 1024;

  const record = async (call: LlmCallRecord) => {
    try {
      await recordLlmCall(settings.db, call);
    } catch (error) {
      settings.logger?.error("could not record LLM usage", { error, model: call.modelId });
    }
  };

  /** One request through the SDK with the retry guard: every HTTP call recorded, failures turned into LlmError. */
  const run = async (request: LlmRequest): Promise<LlmResponse> => {
    const size = requestSize(request);
    const chosen = chooseTier({
      requested: request.tier,
      context: request.context,
      defaultTier,
      localIsPrivate: tiers.local.private,
      ...(config.LLM_ESTIMATE_COMPLEXITY ? { estimated: estimateComplexity(size) } : {}),
    });
    const outputTokens = request.maxOutputTokens ?? outputReserve;
    const estimateFor = (name: ModelTier): Estimate => {
      const { modelId } = tiers[name];
      const price = priceOf(prices, modelId);
      const microUsd = price ? Math.ceil(size.tokens * price.input + outputTokens * price.output) : 0;
      return { tokens: size.tokens + outputTokens, microUsd, priced: price !== undefined, modelId };
    };
    const hold =
      guard === "off" ? openHold(chosen) : await guard.reserve(request.context, chosen, estimateFor);
    const tierName = hold.tier;
    const tier = tiers[tierName];
    const { model, offline } = tier;
    // under a budget the answer may not outgrow what was reserved for it
    const maxOutputTokens = request.maxOutputTokens ?? (hold.limited ? outputReserve : undefined);
    const tiering = {
      ...(request.tier ? { requestedTier: request.tier } : {}),
      tier: tierName,
      ...(hold.fallbackBudget ? { fallbackBudget: hold.fallbackBudget } : {}),
    };
    let priced = true;
    const usageOf = (modelId: string, usage: LanguageModelV4Usage): LlmUsage => {
      const tokens = {
        promptTokens: usage.inputTokens.total ?? 0,
        completionTokens: usage.outputTokens.total ?? 0,
      };
      const price = priceOf(prices, modelId) ?? priceOf(prices, model.modelId);
      priced = price !== undefined;
      return { ...tokens, costUsd: costOf(price, tokens) };
    };
    const started = clock.now();
    const log: RetryLog = { calls: 0, stopped: undefined };
    let answered: { modelId: string; usage: LlmUsage } | undefined;
    const settle = async () => {
      if (guard === "off" || !hold.limited) return;
      const usage = answered?.usage;
      const used = usage
        ? { tokens: usage.promptTokens + usage.completionTokens, microUsd: Math.ceil(usage.costUsd * 1e6) }
        : { tokens: 0, microUsd: 0 };
      try {
        await guard.settle(hold, used);
      } catch (error) {
        settings.logger?.error("could not settle a budget reservation", { error, counters: hold.counters });
      }
    };
    const onCall = async (call: ObservedCall) => {
      const at = clock.now();
      const base = { offline, durationMs: call.durationMs, context: request.context, at, ...tiering };
      if (call.ok) {
        const modelId = call.result.response?.modelId || model.modelId;
        answered = { modelId, usage: usageOf(modelId, call.result.usage) };
        await record({ ...base, ...answered, priced, outcome: "ok" });
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
        ...(maxOutputTokens ? { maxOutputTokens } : {}),
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
      await settle();
      return {
        text: result.text,
        toolCalls,
        ...(object === undefined ? {} : { object }),
        finishReason: String(result.finishReason),
        modelId: answered?.modelId ?? model.modelId,
        tier: tierName,
        ...(hold.fallbackBudget ? { fallbackBudget: hold.fallbackBudget } : {}),
        offline,
        usage: answered?.usage ?? noUsage,
        durationMs: clock.now() - started,
        calls: log.calls,
      };
    } catch (thrown) {
      const error = withCalls(toLlmError(thrown, request.signal), log);
      await settle();
      if (log.calls === 0) {
        await record({
          ...tiering,
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
    const offline = settings.model.modelId === offlineModelId;
    return { model: settings.model, modelId: settings.model.modelId, offline, private: offline };
  }
  const suffix = tier.toUpperCase() as Uppercase<ModelTier>;
  const config = settings.config;
  const baseURL = config[`LLM_BASE_URL_${suffix}`] ?? config.LLM_BASE_URL;
  const modelId = config[`LLM_MODEL_${suffix}`] ?? config.LLM_MODEL;
  const apiKey = config[`LLM_API_KEY_${suffix}`] ?? config.LLM_API_KEY;
  if (!baseURL) {
    const model = createOfflineModel();
    return { model, modelId: model.modelId, offline: true, private: true };
  }
  const model = createOpenAiModel({
    baseURL,
    modelId,
    ...(apiKey ? { apiKey } : {}),
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  });
  return {
    model,
    modelId,
    offline: false,
    private: tier === "local" && config.LLM_BASE_URL_LOCAL !== undefined,
  };
}

/** The budget check on LLM_BUDGET_STORE: Postgres' budget_usage, or the host's key-value store. */
function budgetGuardOf(settings: LlmSettings, clock: Clock): BudgetGuard {
  if (settings.config.LLM_BUDGET_STORE === "kv") {
    if (!settings.kv) {
      throw new ConfigError(
        "LLM_BUDGET_STORE",
        "kv needs the host's key-value store, and this LLM port was built without one; use postgres, or build it with createLlm({ kv })",
      );
    }
    return createBudgetGuard({ db: settings.db, store: createKvReservations(settings.kv, clock), clock });
  }
  return createBudgetGuard({ db: settings.db, store: createPostgresReservations(settings.db), clock });
}

const noUsage: LlmUsage = { promptTokens: 0, completionTokens: 0, costUsd: 0 };

/** The AI SDK, imported by the first call: a host whose LLM is never asked never loads it. */
const sdk = () => import("./sdk.ts");
