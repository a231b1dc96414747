import { errorMessage } from "../errors.ts";
import type { Kv } from "../ports/kv.ts";
import type { Logger } from "../ports/logger.ts";
import type { CandidateAgent } from "./agents.ts";
import { type RegisteredCheck, resolveCheckUrl } from "./checks.ts";

/** The dependency health of one agent for one capability. */
export interface DependencyHealth {
  /** 1 when every dependency check of the capability passes, else 0. */
  readonly score: 0 | 1;
  readonly failing: readonly string[];
}

export interface DependencyHealthSettings {
  readonly kv: Kv;
  /** Where the variables in the checks' URLs come from: this function's environment (`ctx.variable`). */
  readonly variable: (name: string) => string | undefined;
  readonly fetch?: typeof fetch;
  /** How long a result is reused. */
  readonly ttlMs?: number;
}

export interface DependencyHealthSource {
  /**
   * Health of each candidate for its capability, checks run in parallel and cached;
   * `logger` is told why a check failed when it runs (not when the cache answers).
   */
  of(candidates: readonly CandidateAgent[], logger?: Logger): Promise<Map<string, DependencyHealth>>;
  /** Forgets cached results (after a known change, and in tests). */
  forget(agent: string, check: string): Promise<void>;
}

export const defaultHealthTtlMs = 15_000;

/** Why a fetch threw: the timeout, or the network error with its code (ECONNREFUSED, …). */
function failure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === "string" ? ` (${cause.code})` : "";
  return `${errorMessage(error)}${code}`;
}

export function healthKey(agent: string, check: string): string {
  return `health:${agent}:${check}`;
}

/**
 * Runs the agents' dependency checks (HTTP GETs of their dependencies, declared in their
 * definitions and read from the registry) in parallel, each bounded by its timeout, and
 * caches each result in the key-value store for a short TTL, so a routing decision waits
 * at most one timeout and usually not at all. Nothing runs but what a decision asks for:
 * a capability nobody requests is never checked, and the agent itself is never called.
 */
export function createDependencyHealth(settings: DependencyHealthSettings): DependencyHealthSource {
  const ttlMs = settings.ttlMs ?? defaultHealthTtlMs;
  const fetchImplementation = settings.fetch ?? fetch;
  const inFlight = new Map<string, Promise<boolean>>();

  const probe = async (check: RegisteredCheck): Promise<string | undefined> => {
    const target = resolveCheckUrl(check.url, settings.variable);
    if ("problem" in target) return target.problem;
    const { min, max } = check.expectStatus;
    try {
      const response = await fetchImplementation(target.url, {
        method: "GET",
        signal: AbortSignal.timeout(check.timeoutMs),
        redirect: "manual",
      });
      await response.body?.cancel().catch(() => {});
      if (response.status >= min && response.status <= max) return undefined;
      return `GET ${check.url} answered ${response.status}, not ${min === max ? min : `${min}–${max}`}`;
    } catch (error) {
      return `GET ${check.url} failed: ${failure(error, check.timeoutMs)}`;
    }
  };

  const run = async (
    agent: string,
    name: string,
    check: RegisteredCheck | undefined,
    logger: Logger | undefined,
  ): Promise<boolean> => {
    if (!check) {
      logger?.warn("a dependency check is named but not registered; it counts as failing", {
        agent,
        check: name,
        fix: "register the agent again (the migration Job, or restart the embedded host) with the check in its definition",
      });
      return false;
    }
    const key = healthKey(agent, name);
    const cached = await settings.kv.get(key);
    if (cached === "1" || cached === "0") return cached === "1";
    const pending = inFlight.get(key);
    if (pending) return pending;
    const fresh = (async () => {
      const problem = await probe(check);
      if (problem) logger?.warn("dependency check failed", { agent, check: name, reason: problem });
      await settings.kv.set(key, problem ? "0" : "1", { ttlMs });
      return problem === undefined;
    })().finally(() => inFlight.delete(key));
    inFlight.set(key, fresh);
    return fresh;
  };

  return {
    async of(candidates, logger) {
      const entries = await Promise.all(
        candidates.map(async (candidate) => {
          const names = candidate.capability.dependencies;
          const results = await Promise.all(
            names.map((name) =>
              run(
                candidate.agentId,
                name,
                candidate.checks.find((check) => check.name === name),
                logger,
              ),
            ),
          );
          const failing = names.filter((_, index) => !results[index]);
          const health: DependencyHealth = { score: failing.length === 0 ? 1 : 0, failing };
          return [candidate.agentId, health] as const;
        }),
      );
      return new Map(entries);
    },
    forget: (agent, check) => settings.kv.del(healthKey(agent, check)),
  };
}
