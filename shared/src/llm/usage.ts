import { recordMeshEvent } from "../log/event-log.ts";
import type { SqlExecutor } from "../ports/db.ts";
import type { LlmCallContext, LlmErrorType, LlmUsage } from "./port.ts";

export interface LlmCallRecord {
  readonly modelId: string;
  readonly offline: boolean;
  readonly usage: LlmUsage;
  readonly durationMs: number;
  /** "ok", or the error type of a failed call. */
  readonly outcome: "ok" | LlmErrorType;
  /** Who the call was for; an embedding made outside any agent (e.g. a gateway search) has no agent. */
  readonly context: Partial<LlmCallContext>;
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly error?: string;
  /** False when the model has no price (LLM_PRICES): its cost is unknown, not zero. */
  readonly priced?: boolean;
  /** The tier the caller asked for, when it named one. */
  readonly requestedTier?: string;
  /** The tier that was called. */
  readonly tier?: string;
  /** The budget whose fallback policy moved the call to a cheaper tier. */
  readonly fallbackBudget?: string;
}

/** Stores one call in `llm_usage` and as an `llm.call` row of the event log. */
export async function recordLlmCall(db: SqlExecutor, call: LlmCallRecord): Promise<void> {
  const { context, usage } = call;
  await db.query(
    `INSERT INTO llm_usage (model, offline, prompt_tokens, completion_tokens, cost_usd, duration_ms, outcome,
                            agent_id, capability, task_id, user_id, session_id, trace_id, created_at, run_id, step,
                            priced, requested_tier, tier, fallback_budget)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, to_timestamp($14 / 1000.0), $15, $16,
             $17, $18, $19, $20)`,
    [
      call.modelId,
      call.offline,
      usage.promptTokens,
      usage.completionTokens,
      usage.costUsd,
      Math.round(call.durationMs),
      call.outcome,
      context.agentId ?? null,
      context.capability ?? null,
      context.taskId ?? null,
      context.userId ?? null,
      context.sessionId ?? null,
      context.traceId ?? null,
      call.at,
      context.runId ?? null,
      context.step ?? null,
      call.priced ?? true,
      call.requestedTier ?? null,
      call.tier ?? null,
      call.fallbackBudget ?? null,
    ],
  );
  await recordMeshEvent(db, {
    kind: "llm.call",
    ...(context.agentId ? { functionName: context.agentId } : {}),
    ...(context.traceId ? { traceId: context.traceId } : {}),
    ...(context.taskId ? { subject: context.taskId } : {}),
    data: {
      model: call.modelId,
      offline: call.offline,
      outcome: call.outcome,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      costUsd: usage.costUsd,
      durationMs: Math.round(call.durationMs),
      capability: context.capability ?? null,
      taskId: context.taskId ?? null,
      ...(context.runId ? { runId: context.runId, step: context.step ?? null } : {}),
      ...(call.priced === false ? { unpriced: true } : {}),
      ...(call.fallbackBudget ? { fallbackBudget: call.fallbackBudget, tier: call.tier } : {}),
      ...(call.error ? { error: call.error } : {}),
    },
  });
}
