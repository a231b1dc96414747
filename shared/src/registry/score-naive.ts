import type { SqlExecutor } from "../ports/db.ts";
import { agentsOffering } from "./agents.ts";
import { cardFor, type ScoreRequest } from "./score.ts";
import { byScore, historyFactors, type ScoreCard, scoring } from "./score-card.ts";

/**
 * The naive way to the same cards: one query for the candidates, then one history
 * query per candidate. Kept for the routing benchmark and as a cross-check in tests.
 */
export async function scoreCandidatesNaively(db: SqlExecutor, request: ScoreRequest): Promise<ScoreCard[]> {
  const candidates = await agentsOffering(db, request.capability, request.exclude ?? []);
  const cards: ScoreCard[] = [];
  for (const candidate of candidates) {
    const { rows } = await db.query<{ success: boolean }>(
      `SELECT success FROM agent_task_history
        WHERE agent_id = $1 AND capability = $2
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      [candidate.agentId, request.capability, scoring.window],
    );
    const factors = historyFactors(rows.map((row) => row.success));
    cards.push(cardFor(candidate, factors, request.health.get(candidate.agentId)));
  }
  return cards.sort(byScore);
}
