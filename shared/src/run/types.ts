import type { ApprovalContext, ApprovalDecision, EventType, MeshEvent } from "@mesh-six/events";
import type { z } from "zod";
import type { Settings } from "../config/read.ts";
import type { Llm, LlmMessage, LlmToolCall, LlmToolSpec, LlmUsage, ModelTier } from "../llm/port.ts";
import type { TraceContext } from "../log/trace.ts";
import type { AgentMemory } from "../memory/port.ts";
import type { Clock } from "../ports/clock.ts";
import type { Db } from "../ports/db.ts";
import type { Kv } from "../ports/kv.ts";
import type { Logger } from "../ports/logger.ts";

/** A duration: milliseconds, or ISO-8601 (`PT30S`, `P1D`). */
export type Duration = number | string;

/** How a `step.do` that throws a retryable error is tried again. */
export interface StepRetry {
  /** Attempts in all, the first included; default 3 (`step.llm`: 1, as the Llm port retries itself). */
  readonly attempts?: number;
  /** Delay before the second attempt; default 1 s. */
  readonly delay?: Duration;
  /** `exponential` (delay·2ⁿ⁻¹, the default) or `linear` (delay·n). */
  readonly backoff?: "exponential" | "linear";
}

export interface DoOptions {
  /** Handed to the work as `idempotencyKey`; default `<runId>:<step name>`, the same on every attempt. */
  readonly idempotencyKey?: string;
  readonly retry?: StepRetry;
}

/** What a step's work is given. */
export interface DoContext {
  readonly runId: string;
  readonly step: string;
  /** 1 on the first attempt. */
  readonly attempt: number;
  /** Pass to outside systems that accept one, so a repeated attempt does not act twice. */
  readonly idempotencyKey: string;
  readonly signal: AbortSignal;
}

/** One LLM call as a step: the Llm port's request without the bookkeeping the run fills in. */
export interface StepLlmRequest<OBJECT = unknown> {
  /** One user message; or give `messages`. */
  readonly prompt?: string;
  readonly messages?: readonly LlmMessage[];
  readonly instructions?: string;
  readonly tools?: Readonly<Record<string, LlmToolSpec>>;
  readonly toolChoice?: "auto" | "required" | "none";
  readonly tier?: ModelTier;
  readonly maxOutputTokens?: number;
  readonly temperature?: number;
  /** Structured output: the answer is an object matching this schema (`object` in the result), unless tools are called. */
  readonly schema?: z.ZodType<OBJECT>;
  readonly schemaName?: string;
  /** Each piece of text as the model produces it (for live progress; the result is kept whole). */
  readonly onText?: (delta: string) => void;
  /**
   * Publish the text as the model writes it as `task.progress` events (`text`, `offset`),
   * batched and best-effort, outside the run's commits, so a caller can stream it (the
   * chat API). The step's result keeps the whole text either way.
   */
  readonly liveText?: boolean;
  readonly retry?: StepRetry;
}

export interface StepLlmResult<OBJECT = unknown> {
  readonly text: string;
  readonly toolCalls: readonly LlmToolCall[];
  readonly object?: OBJECT;
  readonly finishReason: string;
  readonly modelId: string;
  readonly tier: ModelTier;
  readonly offline: boolean;
  readonly usage: LlmUsage;
  readonly calls: number;
}

export interface WaitForOptions<Data> {
  readonly event: EventType<string, z.ZodType<Data>>;
  /** Fields the event's data must have (JSON containment: nested objects match partly). */
  readonly match?: Readonly<Record<string, unknown>>;
  /** How long to wait before resuming with `null`. */
  readonly timeout: Duration;
}

/** A child task: routed by score through the orchestrator like any other. */
export interface StepTaskRequest {
  readonly capability: string;
  readonly payload?: Readonly<Record<string, unknown>>;
  readonly priority?: number;
  /** Seconds an attempt may take (the task's `timeout`). */
  readonly timeout?: number;
}

export interface ApprovalOptions {
  /** How long the person has; default one day (`P1D`). */
  readonly timeout?: Duration;
  /** The decision taken at the deadline; default `rejected`. */
  readonly default?: ApprovalDecision;
}

export interface ApprovalOutcome {
  readonly approvalId: string;
  readonly decision: ApprovalDecision;
  readonly approved: boolean;
  readonly reason?: string;
  /** Who decided: an API key's name, the sender of a decision event, or `deadline`. */
  readonly decidedBy: string;
  readonly decidedVia: "api" | "event" | "deadline";
  readonly decidedAt: string;
  /** True when nobody decided in time and the default was taken. */
  readonly timedOut: boolean;
}

export interface InputOutcome {
  readonly approvalId: string;
  /** The person's answer; null when nobody answered in time. */
  readonly answer: string | null;
  readonly decidedBy: string;
  readonly decidedAt: string;
  readonly timedOut: boolean;
}

/**
 * The steps a run is made of. Each is memoized in the run's step log: when the run is
 * replayed, a step that has a result returns it without running again. Names are unique
 * within a run (a repeated name gets `#2`, `#3`, …), and the order of steps must be the
 * same on every replay.
 */
export interface Step {
  /** A side effect or computation; its result must be JSON. Retried on retryable errors. */
  do<T>(name: string, work: (context: DoContext) => Promise<T> | T, options?: DoOptions): Promise<T>;
  /** One LLM call through the Llm port, memoized with its usage. */
  llm<OBJECT = unknown>(name: string, request: StepLlmRequest<OBJECT>): Promise<StepLlmResult<OBJECT>>;
  sleep(name: string, duration: Duration): Promise<void>;
  sleepUntil(name: string, time: Date | string | number): Promise<void>;
  /** Resumes with the first matching event (also one that arrived before the wait), or null at the timeout. */
  waitFor<Data>(name: string, options: WaitForOptions<Data>): Promise<MeshEvent<Data> | null>;
  /** A child task; resumes with its result, throws StepError when it failed. */
  task<T = unknown>(name: string, request: StepTaskRequest): Promise<T>;
  /** Asks a person to approve or reject; resumes with the decision (the default at the deadline). */
  approval(name: string, context: ApprovalContext, options?: ApprovalOptions): Promise<ApprovalOutcome>;
  /** Asks a person a question; resumes with the answer (null at the deadline). */
  input(
    name: string,
    context: ApprovalContext,
    options?: Omit<ApprovalOptions, "default">,
  ): Promise<InputOutcome>;
  /** Several steps at once; resumes when all have ended, with their results, or throws the first failure. */
  all<const T extends readonly unknown[]>(steps: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }>;
}

/** The task attempt a run carries out. */
export interface RunTask {
  readonly taskId: string;
  readonly capability: string;
  readonly attempt: number;
}

/** What a run gets besides its input and steps. Anything done with it outside a step happens on every replay. */
export interface RunContext<Own = Settings> {
  readonly function: string;
  readonly runId: string;
  readonly task?: RunTask;
  /** `payload.userId` of the task, when it names one. */
  readonly userId?: string;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The function's own variables (its `config`), parsed at start. */
  readonly config: Own;
  readonly trace: TraceContext;
  /** Built from the LLM variables every function with a run reads (`llmConfig`). */
  readonly llm: Llm;
  readonly memory?: AgentMemory;
  readonly db: Db;
  readonly kv: Kv;
  readonly signal: AbortSignal;
}

/** A run; declared as a method so a definition with its own settings fits a list of definitions. */
export type RunFunction<Own = Settings> = {
  run(input: Record<string, unknown>, step: Step, ctx: RunContext<Own>): Promise<unknown> | unknown;
}["run"];

/** Limits and pacing of a function's runs. */
export interface RunSettings {
  /**
   * A hop starts no new step once it has run this long; it commits and continues in the
   * next hop. Default: a quarter of the function's timeout, at most 10 s. 0: one step per hop.
   */
  readonly hopBudgetMs?: number;
  /** Steps one run may take; default 1000. */
  readonly maxSteps?: number;
  /** Largest step result (its JSON), in bytes; default 256 KiB. */
  readonly maxResultBytes?: number;
  /** Steps one hop runs at once (from `step.all`); default 8. */
  readonly maxParallel?: number;
}

/** How a step ended for good, as kept in the log. */
export interface StoredStepError {
  readonly message: string;
  /** A task error type (`api_error`, `rate_limited`, …) when the cause had one. */
  readonly type?: string;
  readonly retryable?: boolean;
  readonly name?: string;
  /** What more the cause told: an LLM's answer that did not match its schema (`answer`). */
  readonly detail?: Readonly<Record<string, unknown>>;
}
