import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { TaskError } from "@mesh-six/events";

/** Who a call is for: stored with its usage and cost. */
export interface LlmCallContext {
  readonly agentId: string;
  readonly capability?: string;
  readonly taskId?: string;
  readonly userId?: string;
  readonly sessionId?: string;
  readonly traceId?: string;
}

export interface LlmRequest {
  readonly prompt: string;
  /** The system instructions. */
  readonly instructions?: string;
  readonly maxOutputTokens?: number;
  readonly temperature?: number;
  readonly signal?: AbortSignal;
  readonly context: LlmCallContext;
}

export interface LlmUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number;
}

export interface LlmResponse {
  readonly text: string;
  /** The model that answered (as the server names it). */
  readonly modelId: string;
  /** True when the offline deterministic model answered. */
  readonly offline: boolean;
  /** Tokens and cost of the call that answered. */
  readonly usage: LlmUsage;
  /** From the first call to the answer, waits between retries included. */
  readonly durationMs: number;
  /** HTTP calls made: 1, or more when the SDK retried a rate limit or a server fault. */
  readonly calls: number;
}

/** The LLM port: one call in, text, usage and cost out, recorded. */
export interface Llm {
  readonly modelId: string;
  readonly offline: boolean;
  /** The AI SDK model behind it, for structured output and tool loops. */
  readonly model: LanguageModelV4;
  /** Throws LlmError, whose `type` and `retryable` map to a task.failed error. */
  generate(request: LlmRequest): Promise<LlmResponse>;
}

export type LlmErrorType = TaskError["type"];
