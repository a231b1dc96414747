import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { TaskError } from "@mesh-six/events";
import type { FlexibleSchema } from "ai";

/** Who a call is for: stored with its usage and cost. */
export interface LlmCallContext {
  readonly agentId: string;
  readonly capability?: string;
  readonly taskId?: string;
  readonly userId?: string;
  readonly sessionId?: string;
  readonly traceId?: string;
  /** The durable run and step the call is made for. */
  readonly runId?: string;
  readonly step?: string;
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

/** A request whose answer is an object matching `schema` (the AI SDK's `Output.object`). */
export interface LlmObjectRequest<OBJECT> extends LlmRequest {
  /** A zod schema (or any AI SDK schema); sent as `response_format` json_schema and checked on the answer. */
  readonly schema: FlexibleSchema<OBJECT>;
  /** Names the schema for the provider, e.g. "memories". */
  readonly schemaName?: string;
  readonly schemaDescription?: string;
}

export interface LlmObjectResponse<OBJECT> extends Omit<LlmResponse, "text"> {
  /** The answer, parsed and checked against the schema. */
  readonly object: OBJECT;
}

/** The LLM port: one call in, text, usage and cost out, recorded. */
export interface Llm {
  readonly modelId: string;
  readonly offline: boolean;
  /** The AI SDK model behind it, for structured output and tool loops. */
  readonly model: LanguageModelV4;
  /** Throws LlmError, whose `type` and `retryable` map to a task.failed error. */
  generate(request: LlmRequest): Promise<LlmResponse>;
  /**
   * Structured output: the same retries and usage records as `generate`, the answer an
   * object matching the schema. The offline model answers only text: it throws LlmError
   * `invalid_input` without a call, so check `offline` and fall back to your own rules.
   */
  generateObject<OBJECT>(request: LlmObjectRequest<OBJECT>): Promise<LlmObjectResponse<OBJECT>>;
}

export type LlmErrorType = TaskError["type"];
