import { memoryConfig } from "@mesh-six/shared/config/memory";
import { readConfig } from "@mesh-six/shared/config/read";
import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import { toVector } from "@mesh-six/shared/db/vector";
import { createEmbedder } from "@mesh-six/shared/embeddings/create";
import type { Embedder } from "@mesh-six/shared/embeddings/port";
import { createMemoryStore } from "@mesh-six/shared/memory/store";
import type { Db } from "@mesh-six/shared/ports/db";
import { migrate } from "@mesh-six/sql";
import { percentile, round, writeResult } from "./support/stats.ts";

/**
 * Memory search at 10,000 and 100,000 memories on in-memory PGlite: the HNSW index
 * (pgvector's default ef_search 40, and 100) next to an exact scan of the same table in
 * the same run, with the recall@10 each achieves against the exact answer, plus the
 * store's own search (query embedding, user filter, iterative index scan).
 *
 * Vectors come from the local embedder at 64 dimensions over generated memory texts. The
 * dimension is chosen for run time: measured on PGlite (2 cores), inserting 100,000 rows
 * takes ~16 s at 64 dimensions and building the HNSW index ~3 min, and the build grows
 * with the dimension (10,000 rows at 128 took as long as 100,000 at 64 takes to insert).
 */
const dimensions = 64;
// `node test/bench/memory.ts 2000` measures other sizes (a quick look); the figures are for the default.
const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [10_000, 100_000];
const users = 100;
const queries = 200;
const warmup = 20;
const k = 10;

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const subjects = [
  "The user",
  "The team",
  "The platform group",
  "The customer",
  "Our on-call engineer",
  "The intern",
];
const verbs = [
  "prefers",
  "runs",
  "deploys",
  "dislikes",
  "maintains",
  "migrated",
  "monitors",
  "chose",
  "avoids",
  "uses",
];
const things = [
  "PostgreSQL 16",
  "Kafka",
  "Redis",
  "k3s",
  "ArgoCD",
  "Grafana",
  "Prometheus",
  "Loki",
  "Traefik",
  "Caddy",
  "Neovim",
  "Rust",
  "TypeScript",
  "Python",
  "Terraform",
  "Helm",
  "Longhorn",
  "Proxmox",
  "Tailscale",
  "Keycloak",
  "Playwright",
  "concise answers",
  "bullet points",
  "French replies",
  "dark mode",
  "GitHub Actions",
  "Harbor",
  "Cloudflare DNS",
];
const qualifiers = [
  "on weekends",
  "in production",
  "for the billing service",
  "in the homelab",
  "since last year",
  "on three nodes",
  "behind a VPN",
  "for staging",
  "every night",
  "with a one-hour expiry",
  "on Raspberry Pis",
  "for the side project",
];

function pick<T>(next: () => number, list: readonly T[]): T {
  return list[Math.floor(next() * list.length)]!;
}

function memoryText(next: () => number, index: number): string {
  return `${pick(next, subjects)} ${pick(next, verbs)} ${pick(next, things)} ${pick(next, qualifiers)} (note ${index % 997}).`;
}

function queryText(next: () => number): string {
  return `which ${pick(next, things)} ${pick(next, verbs).replace(/s$/, "")} ${pick(next, qualifiers)}?`;
}

async function seed(
  db: Db,
  embedder: Embedder,
  size: number,
): Promise<{ insertMs: number; indexMs: number }> {
  const next = random(size);
  await db.exec("DROP INDEX IF EXISTS memories_embedding");
  const started = performance.now();
  const batch = 1000;
  for (let offset = 0; offset < size; offset += batch) {
    const texts = Array.from({ length: Math.min(batch, size - offset) }, (_, index) =>
      memoryText(next, offset + index),
    );
    const vectors = (await embedder.embedMany(texts)).map(toVector);
    await db.query(
      `INSERT INTO memories (agent, user_id, content, embedding, embedding_model)
       SELECT 'general-agent', 'u' || ((ordinality - 1 + $4::int) % $5::int), content, embedding::vector, $3
         FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS input (content, embedding, ordinality)`,
      [texts, vectors, embedder.modelId, offset, users],
    );
  }
  const insertMs = performance.now() - started;
  const indexStarted = performance.now();
  await db.exec(
    "CREATE INDEX memories_embedding ON memories USING hnsw (embedding vector_cosine_ops); ANALYZE memories",
  );
  return { insertMs, indexMs: performance.now() - indexStarted };
}

type Mode = "hnsw-ef40" | "hnsw-ef100" | "exact";

async function topIds(db: Db, vector: string, mode: Mode): Promise<string[]> {
  return db.transaction(async (tx) => {
    if (mode === "exact") await tx.query("SET LOCAL enable_indexscan = off");
    else await tx.query(`SET LOCAL hnsw.ef_search = ${mode === "hnsw-ef40" ? 40 : 100}`);
    const { rows } = await tx.query<{ id: string }>(
      `SELECT id::text AS id FROM memories ORDER BY embedding <=> $1::vector LIMIT ${k}`,
      [vector],
    );
    return rows.map((row) => row.id);
  });
}

async function usesIndex(db: Db, vector: string, mode: Mode): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (mode === "exact") await tx.query("SET LOCAL enable_indexscan = off");
    const { rows } = await tx.query<{ "QUERY PLAN": string }>(
      `EXPLAIN SELECT id FROM memories ORDER BY embedding <=> '${vector}'::vector LIMIT ${k}`,
    );
    return rows.some((row) => row["QUERY PLAN"].includes("memories_embedding"));
  });
}

function summary(samples: number[]) {
  return { p50Ms: round(percentile(samples, 50)), p99Ms: round(percentile(samples, 99)) };
}

async function measure(size: number) {
  const db = await createPgliteDb();
  const embedder = createEmbedder({
    config: readConfig(memoryConfig, { EMBEDDING_DIMENSIONS: String(dimensions) }),
  });
  const store = createMemoryStore({ db, embedder });
  await migrate(db);
  await store.ready();
  const build = await seed(db, embedder, size);
  const next = random(7);
  const texts = Array.from({ length: warmup + queries }, () => queryText(next));
  const vectors = (await embedder.embedMany(texts)).map(toVector);
  const modes: Mode[] = ["hnsw-ef40", "hnsw-ef100", "exact"];
  for (const mode of modes) {
    if ((await usesIndex(db, vectors[0]!, mode)) !== (mode !== "exact")) {
      throw new Error(`the ${mode} query does not use the plan it is meant to measure`);
    }
  }
  const samples: Record<Mode | "store", number[]> = {
    "hnsw-ef40": [],
    "hnsw-ef100": [],
    exact: [],
    store: [],
  };
  const recall: Record<Mode, number> = { "hnsw-ef40": 0, "hnsw-ef100": 0, exact: 0 };
  for (const [index, vector] of vectors.entries()) {
    const answers = {} as Record<Mode, string[]>;
    // Alternate the modes query by query, so none gets a warmer cache than another.
    for (const mode of modes) {
      const started = performance.now();
      answers[mode] = await topIds(db, vector, mode);
      if (index >= warmup) samples[mode].push(performance.now() - started);
    }
    const started = performance.now();
    await store.search(texts[index]!, { userId: `u${index % users}`, limit: k, minScore: -1 });
    if (index >= warmup) samples.store.push(performance.now() - started);
    if (index < warmup) continue;
    const truth = new Set(answers.exact);
    for (const mode of modes) recall[mode] += answers[mode].filter((id) => truth.has(id)).length / truth.size;
  }
  await db.close();
  const figure = (mode: Mode) => ({ ...summary(samples[mode]), recallAt10: round(recall[mode] / queries) });
  const hnsw = figure("hnsw-ef40");
  const exact = figure("exact");
  return {
    memories: size,
    insertSeconds: round(build.insertMs / 1000, 1),
    hnswBuildSeconds: round(build.indexMs / 1000, 1),
    hnsw,
    hnswEfSearch100: figure("hnsw-ef100"),
    exact,
    exactOverHnswP50: round(exact.p50Ms / hnsw.p50Ms, 1),
    storeSearchOneUser: summary(samples.store),
  };
}

const results = [];
for (const size of sizes) {
  process.stdout.write(`memory search: seeding ${size} memories and building the HNSW index…\n`);
  results.push(await measure(size));
}
writeResult("memory", {
  description:
    "memory search latency: HNSW (vector_cosine_ops, m 16, ef_construction 64) vs exact scan, top-10 by cosine distance; recall@10 against the exact scan; storeSearchOneUser is createMemoryStore().search with a user filter (1% of rows), query embedding included",
  database: "PGlite (in memory) with pgvector",
  embedder: `local (mesh-six-local-hash-v1), ${dimensions} dimensions`,
  queries,
  results,
});
