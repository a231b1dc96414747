import type { SqlExecutor } from "@mesh-six/shared/ports/db";

export interface UsageQuery {
  readonly taskId?: string;
  readonly runId?: string;
  readonly step?: string;
  /** The function (agent) that made the call. */
  readonly agentId?: string;
}

/** One LLM call as `llm_usage` recorded it (a failed call has outcome other than `ok` and no tokens). */
export interface UsageRow {
  readonly model: string;
  readonly offline: boolean;
  readonly outcome: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number;
  readonly agentId: string | null;
  readonly capability: string | null;
  readonly taskId: string | null;
  readonly runId: string | null;
  readonly step: string | null;
  readonly userId: string | null;
}

/** The `llm_usage` rows of a task, a run, a step or an agent, in the order the calls were made. */
export async function llmUsageOf(db: SqlExecutor, query: UsageQuery): Promise<UsageRow[]> {
  const { rows } = await db.query<{
    model: string;
    offline: boolean;
    outcome: string;
    prompt_tokens: number;
    completion_tokens: number;
    cost_usd: string | number;
    agent_id: string | null;
    capability: string | null;
    task_id: string | null;
    run_id: string | null;
    step: string | null;
    user_id: string | null;
  }>(
    `SELECT model, offline, outcome, prompt_tokens, completion_tokens, cost_usd, agent_id, capability, task_id,
            run_id, step, user_id
       FROM llm_usage
      WHERE ($1::text IS NULL OR task_id = $1) AND ($2::text IS NULL OR run_id = $2)
        AND ($3::text IS NULL OR step = $3) AND ($4::text IS NULL OR agent_id = $4)
      ORDER BY id`,
    [query.taskId ?? null, query.runId ?? null, query.step ?? null, query.agentId ?? null],
  );
  return rows.map((row) => ({
    model: row.model,
    offline: row.offline,
    outcome: row.outcome,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    costUsd: Number(row.cost_usd),
    agentId: row.agent_id,
    capability: row.capability,
    taskId: row.task_id,
    runId: row.run_id,
    step: row.step,
    userId: row.user_id,
  }));
}
