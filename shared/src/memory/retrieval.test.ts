import { migrate } from "@mesh-six/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryConfig } from "../config/memory.ts";
import { readConfig } from "../config/read.ts";
import { createPgliteDb } from "../db/pglite.ts";
import { createEmbedder } from "../embeddings/create.ts";
import type { Db } from "../ports/db.ts";
import { evaluateRetrieval } from "./fixtures/evaluate.ts";
import { retrievalCorpus } from "./fixtures/retrieval-corpus.ts";
import { retrievalQueries } from "./fixtures/retrieval-queries.ts";
import { createMemoryStore } from "./store.ts";

// Floors the deterministic local embedder reaches on this set (see README.md for the figures);
// an embedding model configured through EMBEDDING_MODEL is held to the same.
const recallFloor = 0.8;
const mrrFloor = 0.75;

describe("retrieval quality on the memory test set", () => {
  let db: Db;
  beforeAll(async () => {
    db = await createPgliteDb();
    await migrate(db);
  });
  afterAll(() => db.close());

  it("has at least 50 queries, each pointing at memories of the corpus", () => {
    expect(retrievalQueries.length).toBeGreaterThanOrEqual(50);
    for (const { relevant } of retrievalQueries) {
      for (const key of relevant) expect(retrievalCorpus).toHaveProperty(key);
    }
  });

  it("finds the relevant memory in the top 5 for most queries, with the configured embedder", async () => {
    const embedder = createEmbedder({ config: readConfig(memoryConfig, process.env) });
    const figures = await evaluateRetrieval(createMemoryStore({ db, embedder }));
    process.stdout.write(
      `memory retrieval (${figures.embedder}${figures.local ? ", local" : ""}): ${figures.queries} queries over ${figures.memories} memories, recall@5 ${figures.recallAt5.toFixed(3)}, MRR@10 ${figures.mrr.toFixed(3)}, hit@1 ${figures.hitAt1.toFixed(3)}\n  missed: ${figures.misses.join(" | ") || "none"}\n`,
    );
    expect(figures.memories).toBe(Object.keys(retrievalCorpus).length);
    expect(figures.recallAt5).toBeGreaterThanOrEqual(recallFloor);
    expect(figures.mrr).toBeGreaterThanOrEqual(mrrFloor);
  });
});
