import { errorTypes } from "@mesh-six/events";
import { isRetryable } from "../errors.ts";
import type { Llm, LlmCallContext } from "../llm/port.ts";
import { durationMs } from "./duration.ts";
import { RunDefinitionError } from "./errors.ts";
import type { LiveText } from "./live-text.ts";
import type { ExecutableRequest, StepUsage } from "./records.ts";
import { serialize } from "./serialize.ts";
import type { StepRetry, StoredStepError } from "./types.ts";

export interface StepEnvironment {
  readonly runId: string;
  readonly llm: Llm;
  readonly llmContext: LlmCallContext;
  readonly signal: AbortSignal;
  readonly maxResultBytes: number;
  /** Where an LLM step's live text goes (`liveText: true`); none when the host cannot publish at once. */
  readonly liveText?: (step: string, attempt: number) => LiveText;
}

export type AttemptOutcome =
  | { readonly ok: true; readonly result: string | undefined; readonly usage?: StepUsage }
  | {
      readonly ok: false;
      readonly error: StoredStepError;
      readonly retryable: boolean;
      readonly usage?: StepUsage;
    };

/** One attempt of a `do` or `llm` step: its result as JSON text, or its error. */
export async function attemptStep(
  env: StepEnvironment,
  request: ExecutableRequest,
  attempt: number,
): Promise<AttemptOutcome> {
  const what = `the result of step "${request.name}"`;
  try {
    if (request.kind === "do") {
      const value = await request.work({
        runId: env.runId,
        step: request.name,
        attempt,
        idempotencyKey: request.options.idempotencyKey ?? `${env.runId}:${request.name}`,
        signal: env.signal,
      });
      return { ok: true, result: serialize(value, what, env.maxResultBytes) };
    }
    const { request: llmRequest } = request;
    const live = llmRequest.liveText ? env.liveText?.(request.name, attempt) : undefined;
    const onText = textListener(llmRequest.onText, live);
    const response = await env.llm
      .generate({
        ...(llmRequest.messages ? { messages: llmRequest.messages } : { prompt: llmRequest.prompt ?? "" }),
        ...(llmRequest.instructions === undefined ? {} : { instructions: llmRequest.instructions }),
        ...(llmRequest.tools ? { tools: llmRequest.tools } : {}),
        ...(llmRequest.toolChoice ? { toolChoice: llmRequest.toolChoice } : {}),
        ...(llmRequest.tier ? { tier: llmRequest.tier } : {}),
        ...(llmRequest.maxOutputTokens === undefined ? {} : { maxOutputTokens: llmRequest.maxOutputTokens }),
        ...(llmRequest.temperature === undefined ? {} : { temperature: llmRequest.temperature }),
        ...(llmRequest.schema
          ? {
              output: {
                schema: llmRequest.schema,
                ...(llmRequest.schemaName ? { name: llmRequest.schemaName } : {}),
              },
            }
          : {}),
        ...(onText ? { onText } : {}),
        signal: env.signal,
        context: { ...env.llmContext, runId: env.runId, step: request.name },
      })
      .finally(() => live?.close());
    const usage = { ...response.usage, calls: response.calls, model: response.modelId };
    const value = {
      text: response.text,
      toolCalls: response.toolCalls,
      ...(response.object === undefined ? {} : { object: response.object }),
      finishReason: response.finishReason,
      modelId: response.modelId,
      tier: response.tier,
      offline: response.offline,
      usage: response.usage,
      calls: response.calls,
    };
    return { ok: true, result: serialize(value, what, env.maxResultBytes), usage };
  } catch (error) {
    if (env.signal.aborted) throw error;
    const retryable = !(error instanceof RunDefinitionError) && isRetryable(error);
    return { ok: false, error: storedError(error, retryable), retryable };
  }
}

/** What hears an LLM step's text: the step's own `onText`, its live text, both or neither. */
function textListener(
  own: ((delta: string) => void) | undefined,
  live: LiveText | undefined,
): ((delta: string) => void) | undefined {
  if (!live) return own;
  return (delta) => {
    own?.(delta);
    live.write(delta);
  };
}

/** An error as the step log keeps it: message, task error type when it has one, retry behaviour. */
export function storedError(error: unknown, retryable = isRetryable(error)): StoredStepError {
  const message = error instanceof Error ? error.message : String(error);
  const type = (error as { type?: unknown } | null)?.type;
  const answer = (error as { answer?: unknown } | null)?.answer;
  return {
    message,
    ...(typeof type === "string" && (errorTypes as readonly string[]).includes(type) ? { type } : {}),
    retryable,
    ...(error instanceof Error ? { name: error.name } : {}),
    ...(typeof answer === "string" ? { detail: { answer: answer.slice(0, 8192) } } : {}),
  };
}

/** Attempts in all of a step, and the wait before attempt `next` (2, 3, …). */
export function retryPlan(request: ExecutableRequest): {
  attempts: number;
  delayBefore: (next: number) => number;
} {
  const retry: StepRetry | undefined = request.kind === "do" ? request.options.retry : request.request.retry;
  const attempts = retry?.attempts ?? (request.kind === "do" ? 3 : 1);
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 100) {
    throw new RunDefinitionError(
      `step "${request.name}": retry.attempts must be a whole number from 1 to 100, got ${String(attempts)}`,
      request.name,
    );
  }
  const delay = retry?.delay === undefined ? 1000 : durationMs(retry.delay, request.name, "retry.delay");
  const linear = retry?.backoff === "linear";
  return {
    attempts,
    delayBefore: (next) => (linear ? delay * (next - 1) : delay * 2 ** (next - 2)),
  };
}
