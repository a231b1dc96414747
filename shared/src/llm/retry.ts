import {
  APICallError,
  type EmbeddingModelV4Result,
  type LanguageModelV4GenerateResult,
  type LanguageModelV4StreamPart,
  type LanguageModelV4Usage,
} from "@ai-sdk/provider";
import type { EmbeddingModelMiddleware, LanguageModelMiddleware } from "ai";
import type { Clock } from "../ports/clock.ts";

/** How an LLM call retries within one request (LLM_MAX_RETRIES, LLM_RETRY_BUDGET_SECONDS). */
export interface LlmRetryPolicy {
  /** Retries after the first call: the AI SDK's `maxRetries`. */
  readonly maxRetries: number;
  /** The longest the calls and the waits between them may take together. */
  readonly budgetMs: number;
}

/**
 * The wait the AI SDK (ai 7.x, `retryWithExponentialBackoffRespectingRetryHeaders`) makes
 * before retry number `retry` (1, 2, …): the server's `retry-after-ms`, else its
 * `retry-after` (seconds or an HTTP date), when that is between 0 and 60 s (or shorter
 * than the backoff); otherwise exponential backoff, 2 s doubling each time.
 */
export function sdkRetryDelayMs(headers: Record<string, string> | undefined, retry: number): number {
  const backoff = 2000 * 2 ** (retry - 1);
  let asked: number | undefined;
  const milliseconds = headers?.["retry-after-ms"];
  if (milliseconds && !Number.isNaN(Number.parseFloat(milliseconds))) asked = Number.parseFloat(milliseconds);
  const after = headers?.["retry-after"];
  if (after && asked === undefined) {
    const seconds = Number.parseFloat(after);
    asked = Number.isNaN(seconds) ? Date.parse(after) - Date.now() : seconds * 1000;
  }
  if (asked !== undefined && !Number.isNaN(asked) && asked >= 0 && (asked < 60_000 || asked < backoff)) {
    return asked;
  }
  return backoff;
}

/** One HTTP call the SDK made for a request: the model's answer or the error it threw. */
export type ObservedCallOf<RESULT> = { readonly durationMs: number } & (
  | { readonly ok: true; readonly result: RESULT }
  | { readonly ok: false; readonly error: unknown }
);

/** One call of a language model (`doGenerate`). */
export type ObservedCall = ObservedCallOf<LanguageModelV4GenerateResult>;

/** One call of an embedding model (`doEmbed`). */
export type ObservedEmbeddingCall = ObservedCallOf<EmbeddingModelV4Result>;

/** What happened to one request across its calls, filled in by the middleware. */
export interface RetryLog {
  calls: number;
  /** Why the SDK was stopped from retrying, when it was. */
  stopped: string | undefined;
}

/**
 * A language-model middleware for one request. The SDK runs `doGenerate` once per
 * call, its retries included, so this sees every call: it reports each to `onCall`
 * (usage is recorded per call), and before the SDK would wait to retry, it checks the
 * wait against the budget. A retry that could not start within the budget is not made:
 * the error is passed on marked not retryable, so the SDK stops and the request fails
 * at once with the server's error (the task-level retry decides what happens next).
 */
export function retryGuard(
  settings: RetryGuardSettings<LanguageModelV4GenerateResult>,
): LanguageModelMiddleware {
  const guarded = guardCalls(settings);
  return {
    wrapGenerate: ({ doGenerate }) => guarded(doGenerate),
    // a stream's call is reported when the stream ends, with the usage its finish part carries
    wrapStream: async ({ doStream }) => {
      const started = settings.clock.now();
      const opened = await guarded.start(doStream);
      let usage: LanguageModelV4Usage = noTokens;
      let modelId: string | undefined;
      const stream = opened.stream.pipeThrough(
        new TransformStream<LanguageModelV4StreamPart, LanguageModelV4StreamPart>({
          transform(part, controller) {
            if (part.type === "finish") usage = part.usage;
            if (part.type === "response-metadata" && part.modelId) modelId = part.modelId;
            controller.enqueue(part);
          },
          async flush() {
            await settings.onCall({
              ok: true,
              durationMs: settings.clock.now() - started,
              result: {
                content: [],
                finishReason: { unified: "stop", raw: undefined },
                usage,
                warnings: [],
                ...(modelId ? { response: { modelId } } : {}),
              },
            });
          },
        }),
      );
      return { ...opened, stream };
    },
  };
}

const noTokens: LanguageModelV4Usage = {
  inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 0, text: 0, reasoning: 0 },
};

/**
 * The same guard for an embedding model (`embed` / `embedMany`): each `doEmbed` call is
 * reported and kept within the budget. `embedMany` may split a long list into several
 * calls; they share one log and budget.
 */
export function embeddingRetryGuard(
  settings: RetryGuardSettings<EmbeddingModelV4Result>,
): EmbeddingModelMiddleware {
  const guarded = guardCalls(settings);
  return { specificationVersion: "v4", wrapEmbed: ({ doEmbed }) => guarded(doEmbed) };
}

export interface RetryGuardSettings<RESULT> {
  readonly policy: LlmRetryPolicy;
  readonly clock: Clock;
  readonly log: RetryLog;
  readonly onCall: (call: ObservedCallOf<RESULT>) => Promise<void>;
}

function guardCalls<RESULT>(settings: RetryGuardSettings<RESULT>) {
  const { policy, clock, log } = settings;
  const started = clock.now();
  /** Opens a call: counted, and a failure reported and kept within the budget; a success is the caller's to report. */
  const start = async <OPENED>(call: () => PromiseLike<OPENED>): Promise<OPENED> => {
    const callStarted = clock.now();
    log.calls += 1;
    try {
      return await call();
    } catch (error) {
      await settings.onCall({ ok: false, error, durationMs: clock.now() - callStarted });
      throw stopWhenOverBudget(error);
    }
  };
  const guarded = async (call: () => PromiseLike<RESULT>): Promise<RESULT> => {
    const callStarted = clock.now();
    const result = await start(call);
    await settings.onCall({ ok: true, result, durationMs: clock.now() - callStarted });
    return result;
  };
  return Object.assign(guarded, { start });

  function stopWhenOverBudget(error: unknown): unknown {
    if (!APICallError.isInstance(error) || !error.isRetryable || log.calls > policy.maxRetries) return error;
    const wait = sdkRetryDelayMs(error.responseHeaders, log.calls);
    const spent = clock.now() - started;
    if (spent + wait <= policy.budgetMs) return error;
    log.stopped = `not retried: the next try would start ${seconds(spent + wait)} after the first, past the ${seconds(policy.budgetMs)} retry budget (LLM_RETRY_BUDGET_SECONDS)`;
    return new APICallError({
      message: error.message,
      url: error.url,
      requestBodyValues: error.requestBodyValues,
      ...(error.statusCode === undefined ? {} : { statusCode: error.statusCode }),
      ...(error.responseHeaders ? { responseHeaders: error.responseHeaders } : {}),
      ...(error.responseBody === undefined ? {} : { responseBody: error.responseBody }),
      cause: error,
      isRetryable: false,
      data: error.data,
    });
  }
}

function seconds(milliseconds: number): string {
  return `${Number((milliseconds / 1000).toFixed(1))} s`;
}
