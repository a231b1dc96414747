import type { MeshConfig } from "../config/env.ts";
import type { Kv } from "../ports/kv.ts";
import type { CandidateAgent } from "./agents.ts";
import { dependencyCheckOf } from "./checks.ts";

/** The dependency health of one agent for one capability. */
export interface DependencyHealth {
  /** 1 when every dependency check of the capability passes, else 0. */
  readonly score: 0 | 1;
  readonly failing: readonly string[];
  /** Declared checks this process cannot run (their code is not loaded); counted as passing. */
  readonly unchecked: readonly string[];
}

export interface DependencyHealthSettings {
  readonly kv: Kv;
  readonly config: MeshConfig;
  readonly fetch?: typeof fetch;
  /** A check that has not answered by then counts as failing. */
  readonly timeoutMs?: number;
  /** How long a result is reused. */
  readonly ttlMs?: number;
}

export interface DependencyHealthSource {
  /** Health of each candidate for its capability, checks run in parallel and cached. */
  of(candidates: readonly CandidateAgent[]): Promise<Map<string, DependencyHealth>>;
  /** Forgets cached results (after a known change, and in tests). */
  forget(agent: string, check: string): Promise<void>;
}

export const defaultHealthTimeoutMs = 750;
export const defaultHealthTtlMs = 15_000;

export function healthKey(agent: string, check: string): string {
  return `health:${agent}:${check}`;
}

/**
 * Runs dependency checks with a short timeout, in parallel, caching each result in the
 * key-value store for a short TTL, so a routing decision waits at most `timeoutMs` and
 * usually not at all.
 */
export function createDependencyHealth(settings: DependencyHealthSettings): DependencyHealthSource {
  const timeoutMs = settings.timeoutMs ?? defaultHealthTimeoutMs;
  const ttlMs = settings.ttlMs ?? defaultHealthTtlMs;
  const inFlight = new Map<string, Promise<boolean>>();

  const run = async (agent: string, name: string): Promise<boolean | undefined> => {
    const key = healthKey(agent, name);
    const cached = await settings.kv.get(key);
    if (cached === "1" || cached === "0") return cached === "1";
    const check = dependencyCheckOf(agent, name);
    if (!check) return undefined;
    const pending = inFlight.get(key);
    if (pending) return pending;
    const fresh = (async () => {
      const passed = await withTimeout(
        (signal) => check.check({ config: settings.config, signal, fetch: settings.fetch ?? fetch }),
        timeoutMs,
      );
      await settings.kv.set(key, passed ? "1" : "0", { ttlMs });
      return passed;
    })().finally(() => inFlight.delete(key));
    inFlight.set(key, fresh);
    return fresh;
  };

  return {
    async of(candidates) {
      const entries = await Promise.all(
        candidates.map(async (candidate) => {
          const names = candidate.capability.dependencies;
          const results = await Promise.all(names.map((name) => run(candidate.agentId, name)));
          const failing = names.filter((_, index) => results[index] === false);
          const unchecked = names.filter((_, index) => results[index] === undefined);
          const health: DependencyHealth = { score: failing.length === 0 ? 1 : 0, failing, unchecked };
          return [candidate.agentId, health] as const;
        }),
      );
      return new Map(entries);
    },
    forget: (agent, check) => settings.kv.del(healthKey(agent, check)),
  };
}

/** Resolves the check's answer, or false when it throws or has not answered in time. */
async function withTimeout(
  check: (signal: AbortSignal) => Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`dependency check timed out after ${timeoutMs} ms`));
      resolve(false);
    }, timeoutMs);
  });
  try {
    return await Promise.race([check(controller.signal).then(Boolean, () => false), expired]);
  } finally {
    clearTimeout(timer);
  }
}
