/** The scoring rule's constants (ROSTER.md, Scoring). */
export const scoring = {
  /** How many of an agent's newest results count. */
  window: 20,
  /** Result i (0 = newest) weighs decay^i. */
  decay: 0.95,
  /** All of the newest `recentCount` results succeeded → × recencyBoost. */
  recentCount: 3,
  recencyBoost: 1.1,
  preferredBoost: 1.05,
} as const;

/** How one candidate scored for one decision: every factor of the formula. */
export interface ScoreCard {
  readonly agentId: string;
  /** Base confidence the agent declared for the capability. */
  readonly weight: number;
  readonly preferred: boolean;
  /** 1 when every dependency check of the capability passes, else 0. */
  readonly dependencyHealth: 0 | 1;
  readonly failingChecks: readonly string[];
  /** How many history results the rate is based on (at most `scoring.window`). */
  readonly samples: number;
  readonly rollingSuccessRate: number;
  readonly recencyBoost: number;
  /** weight × dependencyHealth × rollingSuccessRate × recencyBoost × (preferred ? 1.05 : 1). */
  readonly final: number;
}

/** Decimals a score shows with (in the API and the CLI); scoring itself never rounds. */
export const shownDecimals = 4;

/** `value` rounded to `shownDecimals` for showing: 0.8 × 1.1 shows as 0.88, not 0.8800000000000001. */
export function roundScore(value: number): number {
  const factor = 10 ** shownDecimals;
  return Math.round(value * factor) / factor;
}

/** The card with its numbers rounded for showing (see `roundScore`). */
export function roundedCard<Card extends ScoreCard>(card: Card): Card {
  return {
    ...card,
    weight: roundScore(card.weight),
    rollingSuccessRate: roundScore(card.rollingSuccessRate),
    recencyBoost: roundScore(card.recencyBoost),
    final: roundScore(card.final),
  };
}

/** The history-derived part of a card, as the scoring queries return it. */
export interface HistoryFactors {
  readonly samples: number;
  readonly rollingSuccessRate: number;
  readonly recencyBoost: number;
}

export function finalScore(
  card: Pick<ScoreCard, "weight" | "dependencyHealth" | "rollingSuccessRate" | "recencyBoost" | "preferred">,
): number {
  return (
    card.weight *
    card.dependencyHealth *
    card.rollingSuccessRate *
    card.recencyBoost *
    (card.preferred ? scoring.preferredBoost : 1)
  );
}

/** The factors from an agent's results, newest first (for the naive path and for tests). */
export function historyFactors(newestFirst: readonly boolean[]): HistoryFactors {
  const recent = newestFirst.slice(0, scoring.window);
  if (recent.length === 0) return { samples: 0, rollingSuccessRate: 1, recencyBoost: 1 };
  let weighted = 0;
  let total = 0;
  recent.forEach((success, index) => {
    const weight = scoring.decay ** index;
    total += weight;
    if (success) weighted += weight;
  });
  const lastAllSucceeded =
    recent.length >= scoring.recentCount && recent.slice(0, scoring.recentCount).every(Boolean);
  return {
    samples: recent.length,
    rollingSuccessRate: weighted / total,
    recencyBoost: lastAllSucceeded ? scoring.recencyBoost : 1,
  };
}

/** Highest final score first; exact ties go to the preferred agent, then by name. */
export function byScore(a: ScoreCard, b: ScoreCard): number {
  return b.final - a.final || Number(b.preferred) - Number(a.preferred) || a.agentId.localeCompare(b.agentId);
}
