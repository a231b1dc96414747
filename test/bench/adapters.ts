import { randomUUID } from "node:crypto";
import { withoutVector } from "@mesh-six/shared/db/missing-vector";
import { createNeonDb } from "@mesh-six/shared/db/neon";
import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import { createPostgresDb } from "@mesh-six/shared/db/postgres";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import { createUpstashKv } from "@mesh-six/shared/kv/upstash";
import type { Db } from "@mesh-six/shared/ports/db";
import type { Kv } from "@mesh-six/shared/ports/kv";
import { scoreCandidates } from "@mesh-six/shared/registry/score";
import { loadMigrations, migrate } from "@mesh-six/sql";
import { services } from "../services/services.ts";
import { startServices } from "../services/start.ts";
import { percentile, round, writeResult } from "./support/stats.ts";

/**
 * Per-call latency of the orchestrator's scoring query on every Db adapter and of the
 * de-duplication check (set-if-absent with a TTL) on every Kv adapter, with ratios to
 * the fastest. Starts the same servers as `npm run test:services`; everything is on
 * loopback, so the figures compare the drivers' own cost, not a network.
 */
const warmup = 20;
const iterations = 300;
const agents = 6;
const historyPerAgent = 400;

async function seed(db: Db): Promise<void> {
  // Debian's PostgreSQL has no pgvector: the scoring tables do not need it
  const { rows } = await db.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'");
  await migrate(db, rows.length > 0 ? loadMigrations() : withoutVector(loadMigrations()));
  await db.query("DELETE FROM agent_task_history WHERE capability = 'bench-deploy'");
  for (let index = 0; index < agents; index += 1) {
    const capabilities = [{ name: "bench-deploy", weight: 0.5 + index / 20, preferred: index === 0 }];
    await db.query(
      `INSERT INTO agents (name, function_name, capabilities) VALUES ($1, $1, $2)
       ON CONFLICT (name) DO UPDATE SET capabilities = EXCLUDED.capabilities, status = 'active'`,
      [`bench-agent-${index}`, JSON.stringify(capabilities)],
    );
    await db.query(
      `INSERT INTO agent_task_history (agent_id, capability, success, duration_ms, created_at)
       SELECT $1, 'bench-deploy', (n % 7) <> 0, 100 + n, now() - n * interval '1 minute'
         FROM generate_series(1, $2::int) AS n`,
      [`bench-agent-${index}`, historyPerAgent],
    );
  }
}

async function time(call: () => Promise<unknown>) {
  for (let index = 0; index < warmup; index += 1) await call();
  const samples: number[] = [];
  for (let index = 0; index < iterations; index += 1) {
    const start = performance.now();
    await call();
    samples.push(performance.now() - start);
  }
  return {
    p50Ms: round(percentile(samples, 50)),
    p95Ms: round(percentile(samples, 95)),
    meanMs: round(samples.reduce((sum, sample) => sum + sample, 0) / samples.length),
  };
}

function withRatios<T extends { p50Ms: number }>(figures: Record<string, T>) {
  const fastest = Math.min(...Object.values(figures).map((figure) => figure.p50Ms));
  return Object.fromEntries(
    Object.entries(figures).map(([name, figure]) => [
      name,
      { ...figure, p50VsFastest: round(figure.p50Ms / fastest, 2) },
    ]),
  );
}

const started = await startServices(services);
try {
  const env = started.env;
  const neon = (httpQueries: boolean) =>
    createNeonDb({
      url: env.MESH_TEST_PGLITE_URL!,
      wsProxy: env.MESH_TEST_NEON_WS_PROXY!,
      fetchEndpoint: env.MESH_TEST_NEON_FETCH_ENDPOINT!,
      useSecureWebSocket: false,
      pipelineConnect: false,
      httpQueries,
    });
  const databases: Record<string, () => Promise<Db>> = {
    "pglite in-process": () => createPgliteDb(),
    "postgres server via pg": async () => createPostgresDb({ url: env.MESH_TEST_POSTGRES_URL! }),
    "neon driver, HTTP query path (PGlite over the wire)": async () => neon(true),
    "neon driver, WebSocket pool (PGlite over the wire)": async () => neon(false),
  };
  const scoring: Record<string, Awaited<ReturnType<typeof time>>> = {};
  for (const [name, open] of Object.entries(databases)) {
    const db = await open();
    try {
      await seed(db);
      const request = { capability: "bench-deploy", health: new Map() };
      const cards = await scoreCandidates(db, request);
      if (cards.length !== agents)
        throw new Error(`${name}: scored ${cards.length} agents, expected ${agents}`);
      scoring[name] = await time(() => scoreCandidates(db, request));
      console.log(`scoring query, ${name}: p50 ${scoring[name]!.p50Ms} ms`);
    } finally {
      await db.close();
    }
  }

  const stores: Record<string, () => Kv> = {
    "in-process": () => createMemoryKv(),
    "upstash client via REST proxy to redis-server": () =>
      createUpstashKv({ url: env.MESH_TEST_UPSTASH_URL!, token: env.MESH_TEST_UPSTASH_TOKEN! }),
  };
  const dedupe: Record<string, Awaited<ReturnType<typeof time>>> = {};
  for (const [name, open] of Object.entries(stores)) {
    const kv = open();
    try {
      dedupe[name] = await time(() =>
        kv.set(`bench:dedupe:${randomUUID()}`, "1", { ifAbsent: true, ttlMs: 60_000 }),
      );
      console.log(`dedupe check, ${name}: p50 ${dedupe[name]!.p50Ms} ms`);
    } finally {
      await kv.close();
    }
  }

  writeResult("adapters", {
    iterations,
    warmup,
    note: "All servers on loopback. The Neon rows run Neon's real driver through a local WebSocket/HTTP proxy to PGlite served over the wire, not Neon's cloud; the Upstash row runs the real @upstash/redis client through a local REST proxy to redis-server.",
    scoringQuery: { agents, historyPerAgent, adapters: withRatios(scoring) },
    dedupeCheck: { operation: "set if absent with a 60 s TTL", adapters: withRatios(dedupe) },
  });
} finally {
  await started.stop();
}
