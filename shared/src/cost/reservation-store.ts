/** Tokens and millionths of a USD: what a call reserves, settles or has used. */
export interface Amounts {
  readonly tokens: number;
  readonly microUsd: number;
}

/** One budget's counter in one window for one user, session or agent. */
export interface Counter {
  readonly budget: string;
  readonly subject: string;
  /** Milliseconds since the epoch. */
  readonly windowStart: number;
  /** When the window ends; undefined for a budget that never resets. */
  readonly resetsAt: number | undefined;
}

export interface Limits {
  readonly tokens?: number;
  readonly microUsd?: number;
}

/**
 * Where budget counters live: the in-process Kv, Upstash Redis (both through the Kv port)
 * or Postgres. `reserve` adds the amounts only when every limited total stays within its
 * limit, in one atomic step per counter, so concurrent calls cannot all pass one check.
 */
export interface ReservationStore {
  readonly kind: string;
  reserve(counter: Counter, amounts: Amounts, limits: Limits): Promise<boolean>;
  /** Adds (or, negative, gives back) without a limit: settling the actual use against the estimate. */
  adjust(counter: Counter, delta: Amounts): Promise<void>;
  used(counter: Counter): Promise<Amounts>;
}

export const noAmounts: Amounts = { tokens: 0, microUsd: 0 };
