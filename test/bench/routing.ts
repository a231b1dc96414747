import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import type { Db } from "@mesh-six/shared/ports/db";
import { agentsOffering, registerAgents } from "@mesh-six/shared/registry/agents";
import { createDependencyHealth } from "@mesh-six/shared/registry/health";
import { chooseAgent } from "@mesh-six/shared/registry/route";
import { scoreCandidates } from "@mesh-six/shared/registry/score";
import { scoreCandidatesNaively } from "@mesh-six/shared/registry/score-naive";
import { migrate } from "@mesh-six/sql";
import { percentile, round, writeResult } from "./support/stats.ts";

/**
 * The routing decision for one task among 50 agents with 200,000 history rows, made
 * the way the orchestrator makes it (candidates, cached dependency health, ONE scoring
 * query, the route) and the naive way (the same, but one history query per agent),
 * measured alternately in the same run on in-memory PGlite. Checks that both agree.
 */
const agentCount = 50;
const historyRows = 200_000;
const capability = "deploy-service";
const warmup = 30;
const iterations = 400;

function fleet(): FunctionDefinition[] {
  return Array.from({ length: agentCount }, (_, index) => ({
    name: `agent-${String(index).padStart(2, "0")}`,
    description: "benchmark agent",
    capabilities: [
      {
        name: capability,
        weight: 0.5 + (index % 10) / 20,
        preferred: index % 17 === 0,
        ...(index % 5 === 0 ? { dependencies: ["api"] } : {}),
      },
      { name: "debug-pods", weight: 0.6 },
    ],
    // every tenth agent's API is down (the bench's fetch answers 503 for it)
    dependencyChecks: [{ name: "api", url: `http://api.test/${index % 10 === 0 ? "down" : "up"}` }],
  }));
}

async function seed(db: Db): Promise<void> {
  await migrate(db);
  await registerAgents(db, fleet(), { now: Date.now() });
  // 90% of the rows for the capability routed here, 10% for another; successes vary by agent.
  await db.query(
    `INSERT INTO agent_task_history (agent_id, capability, success, duration_ms, error_type, created_at)
     SELECT 'agent-' || lpad((n % $2)::text, 2, '0'),
            CASE WHEN n % 10 = 0 THEN 'debug-pods' ELSE $3 END,
            (n * 7919) % 100 >= (n % $2) * 2,
            50 + n % 900,
            CASE WHEN (n * 7919) % 100 >= (n % $2) * 2 THEN NULL ELSE 'api_error' END,
            now() - (n * interval '1 second')
       FROM generate_series(1, $1::int) AS n`,
    [historyRows, agentCount, capability],
  );
  await db.exec("ANALYZE");
}

interface Sampled {
  readonly samples: number[];
}

function summary(sampled: Sampled) {
  const { samples } = sampled;
  return {
    p50Ms: round(percentile(samples, 50)),
    p99Ms: round(percentile(samples, 99)),
    meanMs: round(samples.reduce((sum, sample) => sum + sample, 0) / samples.length),
  };
}

async function main(): Promise<void> {
  const db = await createPgliteDb();
  await seed(db);
  // the checks are cached for the whole run: this measures scoring, not the network
  const health = createDependencyHealth({
    kv: createMemoryKv(),
    variable: () => undefined,
    ttlMs: 3_600_000,
    fetch: async (url) => new Response(null, { status: String(url).endsWith("/down") ? 503 : 200 }),
  });
  const { rows } = await db.query<{ count: number }>("SELECT count(*)::int AS count FROM agent_task_history");
  const { rows: plan } = await db.query<{ "QUERY PLAN": string }>(
    `EXPLAIN SELECT success FROM agent_task_history WHERE agent_id = 'agent-01' AND capability = $1
      ORDER BY created_at DESC, id DESC LIMIT 20`,
    [capability],
  );
  const usesIndex = plan.some((line) => line["QUERY PLAN"].includes("idx_history_agent_capability"));

  let task = 0;
  const decide = async (score: typeof scoreCandidates) => {
    task += 1;
    const candidates = await agentsOffering(db, capability);
    const cards = await score(db, { capability, health: await health.of(candidates) });
    return { cards, route: chooseAgent(cards, { taskId: `bench-${task}`, attempt: 1, priority: 5 }) };
  };

  const fast = await decide(scoreCandidates);
  const naive = await decide(scoreCandidatesNaively);
  const same =
    fast.cards.length === agentCount &&
    fast.cards.every(
      (card, index) =>
        card.agentId === naive.cards[index]?.agentId &&
        Math.abs(card.final - naive.cards[index].final) < 1e-9,
    );
  if (!same)
    throw new Error(
      "the one-query and the per-agent scores disagree; the benchmark would compare different work",
    );

  const oneQuery: Sampled = { samples: [] };
  const perAgent: Sampled = { samples: [] };
  for (let index = 0; index < warmup + iterations; index += 1) {
    for (const [method, sampled] of [
      [scoreCandidates, oneQuery],
      [scoreCandidatesNaively, perAgent],
    ] as const) {
      const start = performance.now();
      await decide(method);
      if (index >= warmup) sampled.samples.push(performance.now() - start);
    }
  }
  await db.close();

  const one = summary(oneQuery);
  const naiveFigures = summary(perAgent);
  writeResult("routing", {
    description:
      "One routing decision: candidates, cached dependency health, scoring, route. One scoring query for all agents vs one history query per agent.",
    driver: "pglite (in memory)",
    agents: agentCount,
    historyRows: rows[0]?.count ?? historyRows,
    iterations,
    historyIndexUsed: usesIndex,
    oneQuery: one,
    perAgentQueries: naiveFigures,
    ratio: {
      p50: round(naiveFigures.p50Ms / one.p50Ms, 2),
      p99: round(naiveFigures.p99Ms / one.p99Ms, 2),
    },
  });
}

await main();
