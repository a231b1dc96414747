import { LlmError } from "../llm/errors.ts";
import type { LlmCallContext, LlmComplexity, ModelTier } from "../llm/port.ts";

export const complexities = ["low", "medium", "high"] as const satisfies readonly LlmComplexity[];
export type Complexity = LlmComplexity;

const rank: Record<ModelTier, number> = { local: 0, mid: 1, strong: 2 };
const tierOfComplexity: Record<Complexity, ModelTier> = { low: "local", medium: "mid", high: "strong" };

export function tierRank(tier: ModelTier): number {
  return rank[tier];
}

export interface TierChoice {
  /** The tier the agent fixed for this call, if any. */
  readonly requested: ModelTier | undefined;
  readonly context: LlmCallContext;
  readonly defaultTier: ModelTier;
  /** Whether the local tier is safe for private data: offline, or its own endpoint (LLM_BASE_URL_LOCAL). */
  readonly localIsPrivate: boolean;
  /** The call's complexity estimated from its size, when LLM_ESTIMATE_COMPLEXITY is on. */
  readonly estimated?: Complexity;
}

/**
 * The tier a call goes to. Private (the task's payload says `"private": true`): only
 * `local`, and only when the local tier is not the shared endpoint; a call that would go
 * elsewhere fails (not retryable) instead of leaking. Otherwise the tier the agent fixed,
 * else the task's complexity (low → local, medium → mid, high → strong), else the
 * estimated one, else the default.
 */
export function chooseTier(choice: TierChoice): ModelTier {
  const { requested, context } = choice;
  if (context.private) {
    if (requested !== undefined && requested !== "local") {
      throw new LlmError(
        "permission",
        `this task is private, so its LLM calls may only use the local tier, but the call asks for the ${requested} tier; give the agent tier "local" for private tasks (or drop "private" from the task)`,
        { retryable: false },
      );
    }
    if (!choice.localIsPrivate) {
      throw new LlmError(
        "permission",
        "this task is private, so its LLM calls may only use the local tier, but the local tier is the shared endpoint (LLM_BASE_URL); set LLM_BASE_URL_LOCAL to a model you run yourself",
        { retryable: false },
      );
    }
    return "local";
  }
  if (requested !== undefined) return requested;
  const complexity = context.complexity ?? choice.estimated;
  return complexity === undefined ? choice.defaultTier : tierOfComplexity[complexity];
}

/** A rough complexity from the size of the request: long or tool-heavy is high, short and plain is low. */
export function estimateComplexity(request: { readonly bytes: number; readonly tools: number }): Complexity {
  if (request.bytes > 16_000 || request.tools > 8) return "high";
  if (request.bytes < 400 && request.tools === 0) return "low";
  return "medium";
}
