import { createHash } from "node:crypto";
import { type ScoreCard, scoring } from "./score-card.ts";

/**
 * Share of first attempts a recovering agent may take, by task priority and by how it
 * has done lately. On probation (its newest results are not all successes) it only
 * gets low-priority work (0–3); once its newest three succeeded it also gets some
 * normal work (4–6). High and critical work (7–10) is never used to probe.
 * See docs/routing.md.
 */
export function probeShare(priority: number, card: Pick<ScoreCard, "recencyBoost">): number {
  const proven = card.recencyBoost > 1;
  if (priority <= 3) return proven ? 0.5 : 0.3;
  if (priority <= 6) return proven ? 0.2 : 0;
  return 0;
}

export interface RouteInput {
  readonly taskId: string;
  readonly attempt: number;
  readonly priority: number;
}

/**
 * Why an agent got an attempt: the best score, a recovering agent's probe, or a
 * same-agent retry after a passing fault when nobody else is left (the orchestrator
 * decides retries; see docs/routing.md). "none": nobody could take it.
 */
export type RouteReason = "score" | "probe" | "retry" | "none";

export interface Route {
  readonly chosen: ScoreCard | undefined;
  readonly reason: RouteReason;
  /** The best-scored agent (the one chosen unless this is a probe). */
  readonly leader: ScoreCard | undefined;
  /** Agents whose clean record would beat the leader: eligible for probes. */
  readonly recovering: readonly string[];
  /** The task's deterministic draw in [0, 1) and the share it was compared with. */
  readonly draw: number;
  readonly share: number;
}

/** What an agent would score with a clean record: its history no longer holding it back. */
export function potentialScore(card: ScoreCard): number {
  return (
    card.weight * card.dependencyHealth * scoring.recencyBoost * (card.preferred ? scoring.preferredBoost : 1)
  );
}

/** A number in [0, 1) fixed by the task id, so a redelivery makes the same choice. */
export function drawFor(taskId: string): number {
  const digest = createHash("sha256").update(taskId).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/**
 * Picks the agent for an attempt from cards sorted best first.
 *
 * Exploitation: the highest final score wins (an agent scoring 0 never does).
 * Exploration: an agent whose dependencies pass and whose clean-record score would beat
 * the leader is held back only by old failures; on a first attempt, a share of tasks
 * set by priority goes to the best such agent, so new results can replace the old ones
 * and it climbs back by the formula alone. When nobody scores above 0 but an agent's
 * checks pass (only its history holds it back: e.g. the only agent for a capability
 * after a run of failures), that agent gets every attempt as a probe: failing the task
 * unheard would leave the history, and so the capability, stuck at 0 for good.
 */
export function chooseAgent(cards: readonly ScoreCard[], input: RouteInput): Route {
  const draw = drawFor(input.taskId);
  const leader = cards.find((card) => card.final > 0);
  const recovering = cards.filter(
    (card) => card !== leader && card.dependencyHealth === 1 && potentialScore(card) > (leader?.final ?? 0),
  );
  const base = { leader, recovering: recovering.map((card) => card.agentId), draw };
  if (!leader) {
    const best = recovering.toSorted((a, b) => potentialScore(b) - potentialScore(a))[0];
    if (best) return { ...base, chosen: best, reason: "probe", share: 1 };
    return { ...base, chosen: undefined, reason: "none", share: 0 };
  }
  const candidate = recovering[0];
  const share = input.attempt === 1 && candidate ? probeShare(input.priority, candidate) : 0;
  if (candidate && draw < share) return { ...base, share, chosen: candidate, reason: "probe" };
  return { ...base, share, chosen: leader, reason: "score" };
}

/** A same-agent retry: the agent whose attempt just failed with a passing fault takes the task again. */
export function retryRoute(card: ScoreCard, taskId: string): Route {
  return {
    chosen: card,
    reason: "retry",
    leader: undefined,
    recovering: [],
    draw: drawFor(taskId),
    share: 0,
  };
}
