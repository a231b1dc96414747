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
  /** The task (or its payload) is private: the call may only go to the `local` tier. */
  readonly private?: boolean;
  /** The task's complexity: picks the tier when the agent fixes none. */
  readonly complexity?: LlmComplexity;
}

export type LlmComplexity = "low" | "medium" | "high";

/**
 * Model tiers an agent picks from, each mapped to a configured model (LLM_MODEL_LOCAL,
 * LLM_MODEL_MID, LLM_MODEL_STRONG, on the same or different endpoints): `local` for
 * cheap or private work, `strong` for hard problems.
 */
export const modelTiers = ["local", "mid", "strong"] as const;
export type ModelTier = (typeof modelTiers)[number];

/** A call the model asked for: the tool, its id (to answer it by), and its input as JSON. */
export interface LlmToolCall {
  readonly id: string;
  readonly name: string;
  readonly input: unknown;
}

/** One message of a conversation. */
export type LlmMessage =
  | { readonly role: "user"; readonly content: string }
  | { readonly role: "assistant"; readonly content: string; readonly toolCalls?: readonly LlmToolCall[] }
  | {
      readonly role: "tool";
      readonly toolCallId: string;
      readonly toolName: string;
      /** The tool's result (JSON); or, with `error`, why the call did not give one. */
      readonly result: unknown;
      readonly error?: boolean;
    };

/** A tool the model may call: it only asks; the caller runs it and answers with a `tool` message. */
export interface LlmToolSpec {
  readonly description: string;
  /** The input's JSON Schema (an object schema). */
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

export interface LlmRequest {
  /** One user message; or give `messages`. */
  readonly prompt?: string;
  readonly messages?: readonly LlmMessage[];
  /** The system instructions. */
  readonly instructions?: string;
  readonly tools?: Readonly<Record<string, LlmToolSpec>>;
  /** `auto` (the default with tools), `required` (must call one), `none`. */
  readonly toolChoice?: "auto" | "required" | "none";
  /** Which configured model answers; the port's default tier when omitted. */
  readonly tier?: ModelTier;
  readonly maxOutputTokens?: number;
  readonly temperature?: number;
  readonly signal?: AbortSignal;
  /** Streaming: called with each piece of text as the model produces it. */
  readonly onText?: (delta: string) => void;
  /**
   * Structured output: the answer is an object matching the schema (`object` in the
   * response), unless the model calls tools instead. An answer that does not match is an
   * LlmError `invalid_output` carrying the text.
   */
  readonly output?: LlmOutputSpec;
  readonly context: LlmCallContext;
}

export interface LlmOutputSpec {
  /** A zod schema (or any AI SDK schema); sent as `response_format` json_schema and checked on the answer. */
  readonly schema: FlexibleSchema<unknown>;
  /** Names the schema for the provider, e.g. "memories". */
  readonly name?: string;
  readonly description?: string;
}

export interface LlmUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number;
}

export interface LlmResponse {
  readonly text: string;
  /** The tools the model asked to call (empty when it answered). */
  readonly toolCalls: readonly LlmToolCall[];
  /** With `output`: the answer as an object checked against the schema; undefined when the model called tools. */
  readonly object?: unknown;
  /** `stop`, `tool-calls`, `length`, … */
  readonly finishReason: string;
  /** The model that answered (as the server names it). */
  readonly modelId: string;
  readonly tier: ModelTier;
  /** The budget whose fallback policy moved the call to `tier` from the one it asked for. */
  readonly fallbackBudget?: string;
  /** True when the offline deterministic model answered. */
  readonly offline: boolean;
  /** Tokens and cost of the call that answered. */
  readonly usage: LlmUsage;
  /** From the first call to the answer, waits between retries included. */
  readonly durationMs: number;
  /** HTTP calls made: 1, or more when the SDK retried a rate limit or a server fault. */
  readonly calls: number;
}

/** A request whose answer is an object matching `schema` (structured output, no tools). */
export interface LlmObjectRequest<OBJECT> extends Omit<LlmRequest, "output" | "tools" | "toolChoice"> {
  /** A zod schema (or any AI SDK schema); sent as `response_format` json_schema and checked on the answer. */
  readonly schema: FlexibleSchema<OBJECT>;
  /** Names the schema for the provider, e.g. "memories". */
  readonly schemaName?: string;
  readonly schemaDescription?: string;
}

export interface LlmObjectResponse<OBJECT> extends LlmResponse {
  /** The answer, parsed and checked against the schema. */
  readonly object: OBJECT;
}

/** A configured model tier. */
export interface LlmTierInfo {
  readonly modelId: string;
  readonly offline: boolean;
}

/**
 * The LLM port: every call goes through it, so every call is retried within its budget
 * and recorded in `llm_usage`; there is no raw model to go around it.
 */
export interface Llm {
  /** The default tier's model. */
  readonly modelId: string;
  readonly offline: boolean;
  readonly defaultTier: ModelTier;
  readonly tiers: Readonly<Record<ModelTier, LlmTierInfo>>;
  /** Text (or an object, with `output`), or tool calls. Throws LlmError, whose `type` and `retryable` map to a task.failed error. */
  generate(request: LlmRequest): Promise<LlmResponse>;
  /** `generate` with `output` and no tools: the answer an object matching the schema. */
  generateObject<OBJECT>(request: LlmObjectRequest<OBJECT>): Promise<LlmObjectResponse<OBJECT>>;
}

export type LlmErrorType = TaskError["type"];
