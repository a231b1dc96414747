import type { SqlExecutor } from "../ports/db.ts";
import type { Route } from "./route.ts";
import type { ScoreCard } from "./score-card.ts";

export interface Decision {
  readonly taskId: string;
  readonly attempt: number;
  readonly capability: string;
  readonly route: Route;
  readonly cards: readonly ScoreCard[];
  /** Agents left out because they already failed this task. */
  readonly excluded: readonly string[];
  readonly at: number;
}

/** Stores a routing decision with every candidate's score card; once per attempt. */
export async function recordDecision(db: SqlExecutor, decision: Decision): Promise<void> {
  const { route } = decision;
  const candidates = {
    cards: decision.cards,
    excluded: decision.excluded,
    leader: route.leader?.agentId ?? null,
    recovering: route.recovering,
    draw: route.draw,
    share: route.share,
  };
  await db.query(
    `INSERT INTO routing_decisions (task_id, attempt, capability, chosen, reason, candidates, created_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, to_timestamp($7 / 1000.0))
     ON CONFLICT (task_id, attempt) DO NOTHING`,
    [
      decision.taskId,
      decision.attempt,
      decision.capability,
      route.chosen?.agentId ?? null,
      route.reason,
      JSON.stringify(candidates),
      decision.at,
    ],
  );
}
