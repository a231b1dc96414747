import type { SqlExecutor } from "../ports/db.ts";
import type { CandidateAgent } from "./agents.ts";
import type { DependencyHealth } from "./health.ts";
import { byScore, finalScore, type ScoreCard, scoring } from "./score-card.ts";

export interface ScoreRequest {
  readonly capability: string;
  /** Agents that may not be chosen (those that already failed this task). */
  readonly exclude?: readonly string[];
  /** Dependency health by agent; an agent missing here counts as healthy. */
  readonly health: ReadonlyMap<string, DependencyHealth>;
}

interface ScoreRow {
  agent_id: string;
  weight: number;
  preferred: boolean;
  samples: number;
  rate: number;
  boost: number;
  final: number;
}

/**
 * Every candidate's score in ONE query: the candidates come from `agents`, each one's
 * newest `scoring.window` results from `agent_task_history` (read through the
 * (agent_id, capability, created_at desc) index), numbered by a window function and
 * weighted decay^i, the recency boost from the newest three, and dependency health
 * joined in from the cache. Sorted best first.
 */
export async function scoreCandidates(db: SqlExecutor, request: ScoreRequest): Promise<ScoreCard[]> {
  const health = Object.fromEntries([...request.health].map(([agent, value]) => [agent, value.score]));
  const { rows } = await db.query<ScoreRow>(
    `WITH candidates AS (
       SELECT a.name AS agent_id,
              (c.value->>'weight')::float8 AS weight,
              coalesce((c.value->>'preferred')::boolean, false) AS preferred,
              coalesce(($3::jsonb ->> a.name)::float8, 1) AS health
         FROM agents a CROSS JOIN LATERAL jsonb_array_elements(a.capabilities) c
        WHERE a.status = 'active' AND c.value->>'name' = $1 AND NOT (a.name = ANY($2::text[]))
     ),
     factors AS (
       SELECT candidates.*,
              coalesce(h.samples, 0)::int AS samples,
              coalesce(h.rate, 1)::float8 AS rate,
              CASE WHEN h.recent_successes = $6 THEN $7::float8 ELSE 1 END AS boost
         FROM candidates
         LEFT JOIN LATERAL (
           SELECT count(*) AS samples,
                  sum(power($5::float8, r.i) * r.success::int) / sum(power($5::float8, r.i)) AS rate,
                  count(*) FILTER (WHERE r.i < $6 AND r.success) AS recent_successes
             FROM (
               SELECT success, row_number() OVER (ORDER BY created_at DESC, id DESC) - 1 AS i
                 FROM agent_task_history
                WHERE agent_id = candidates.agent_id AND capability = $1
                ORDER BY created_at DESC, id DESC
                LIMIT $4
             ) r
         ) h ON true
     )
     SELECT agent_id, weight, preferred, samples, rate, boost,
            weight * health * rate * boost * CASE WHEN preferred THEN $8::float8 ELSE 1 END AS final
       FROM factors`,
    [
      request.capability,
      request.exclude ?? [],
      JSON.stringify(health),
      scoring.window,
      scoring.decay,
      scoring.recentCount,
      scoring.recencyBoost,
      scoring.preferredBoost,
    ],
  );
  return rows
    .map((row): ScoreCard => {
      const dependency = request.health.get(row.agent_id);
      return {
        agentId: row.agent_id,
        weight: Number(row.weight),
        preferred: row.preferred,
        dependencyHealth: dependency?.score ?? 1,
        failingChecks: dependency?.failing ?? [],
        samples: Number(row.samples),
        rollingSuccessRate: Number(row.rate),
        recencyBoost: Number(row.boost),
        final: Number(row.final),
      };
    })
    .sort(byScore);
}

/** The same cards computed in TypeScript from the candidates and their history rows. */
export function cardFor(
  candidate: CandidateAgent,
  factors: Pick<ScoreCard, "samples" | "rollingSuccessRate" | "recencyBoost">,
  health: DependencyHealth | undefined,
): ScoreCard {
  const card = {
    agentId: candidate.agentId,
    weight: candidate.capability.weight,
    preferred: candidate.capability.preferred,
    dependencyHealth: health?.score ?? 1,
    failingChecks: health?.failing ?? [],
    ...factors,
  };
  return { ...card, final: finalScore(card) };
}
