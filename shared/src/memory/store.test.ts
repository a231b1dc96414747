import { migrate } from "@mesh-six/sql";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createManualClock } from "../clock.ts";
import { memoryConfig } from "../config/memory.ts";
import { readConfig } from "../config/read.ts";
import { createPgliteDb } from "../db/pglite.ts";
import { createEmbedder } from "../embeddings/create.ts";
import { createLocalEmbeddingModel } from "../embeddings/local-model.ts";
import { ConfigError, NonRetryableError } from "../errors.ts";
import type { Db } from "../ports/db.ts";
import { memoryColumnDimensions } from "./schema.ts";
import { createMemoryStore, type MemoryStore } from "./store.ts";

const clock = createManualClock(Date.parse("2025-06-01T12:00:00Z"));
const embedder = createEmbedder({ config: readConfig(memoryConfig, {}) });

describe("the memory store", () => {
  let db: Db;
  let store: MemoryStore;
  beforeAll(async () => {
    db = await createPgliteDb();
    await migrate(db);
    store = createMemoryStore({ db, embedder, clock });
  });
  afterAll(() => db.close());
  beforeEach(() => db.exec("DELETE FROM memories"));

  const count = async () =>
    Number((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM memories")).rows[0]?.n);

  it("stores a memory with its embedding, model and metadata", async () => {
    const { action, memory } = await store.remember({
      agent: "general-agent",
      userId: "u1",
      content: "  The user prefers   concise answers. ",
      metadata: { kind: "preference" },
    });
    expect(action).toBe("inserted");
    expect(memory).toMatchObject({
      agent: "general-agent",
      userId: "u1",
      content: "The user prefers concise answers.",
      metadata: { kind: "preference" },
      createdAt: new Date(clock.now()),
      lastUsedAt: null,
    });
    const { rows } = await db.query<{ embedding: number[]; embedding_model: string }>(
      "SELECT embedding, embedding_model FROM memories",
    );
    expect(rows[0]?.embedding).toHaveLength(512);
    expect(rows[0]?.embedding_model).toBe("mesh-six-local-hash-v1");
    expect(await store.get(memory.id)).toEqual(memory);
  });

  it("updates a near-identical memory of the same agent and user instead of adding one", async () => {
    const first = await store.remember({
      agent: "general-agent",
      userId: "u1",
      content: "The user prefers concise answers.",
    });
    clock.advance(60_000);
    const again = await store.remember({
      agent: "general-agent",
      userId: "u1",
      content: "The user prefers concise answers",
      metadata: { taskId: "t2" },
    });
    expect(again).toMatchObject({ action: "updated", previous: "The user prefers concise answers." });
    expect(again.memory.id).toBe(first.memory.id);
    expect(again.memory.content).toBe("The user prefers concise answers");
    expect(again.memory.updatedAt.getTime()).toBe(first.memory.createdAt.getTime() + 60_000);
    expect(again.memory.metadata).toEqual({ taskId: "t2" });
    // Another user, another agent, or a different fact: new memories.
    await store.remember({
      agent: "general-agent",
      userId: "u2",
      content: "The user prefers concise answers.",
    });
    await store.remember({ agent: "architect", userId: "u1", content: "The user prefers concise answers." });
    await store.remember({
      agent: "general-agent",
      userId: "u1",
      content: "The user prefers answers in French.",
    });
    expect(await count()).toBe(4);
  });

  it("finds memories by similarity, best first, within agent and user, above the threshold", async () => {
    await store.remember({
      agent: "general-agent",
      userId: "u1",
      content: "The user's cluster runs k3s on three Raspberry Pi nodes.",
    });
    await store.remember({
      agent: "general-agent",
      userId: "u1",
      content: "The user prefers concise answers.",
    });
    await store.remember({
      agent: "general-agent",
      userId: "u2",
      content: "The user's cluster runs EKS in eu-west-1.",
    });
    await store.remember({
      agent: "architect",
      userId: "u1",
      content: "Chose CloudNativePG for the cluster's Postgres.",
    });
    await store.remember({ agent: "general-agent", content: "The fleet's cluster is named homelab." });

    const mine = await store.search("which cluster do I run?", { agent: "general-agent", userId: "u1" });
    expect(mine.map((match) => match.content)).toEqual([
      "The user's cluster runs k3s on three Raspberry Pi nodes.",
    ]);
    expect(mine[0]?.score).toBeGreaterThan(store.minScore);

    const everyone = await store.search("cluster");
    expect(everyone.map((match) => match.content)).toHaveLength(4);
    expect(everyone.map((match) => match.score)).toEqual(
      [...everyone.map((match) => match.score)].sort((a, b) => b - a),
    );

    const shared = await store.search("cluster", { userId: null });
    expect(shared.map((match) => match.content)).toEqual(["The fleet's cluster is named homelab."]);
    expect(await store.search("cluster", { limit: 2 })).toHaveLength(2);
    expect(await store.search("quarterly revenue figures", { userId: "u1" })).toEqual([]);
  });

  it("filters by recency and records when a memory was used", async () => {
    const old = await store.remember({
      agent: "general-agent",
      userId: "u1",
      content: "The user deploys with ArgoCD.",
    });
    clock.advance(7 * 24 * 3600_000);
    const since = new Date(clock.now());
    await store.remember({
      agent: "general-agent",
      userId: "u1",
      content: "The user deploys on Fridays only.",
    });
    const recent = await store.search("how does the user deploy", { userId: "u1", since });
    expect(recent.map((match) => match.content)).toEqual(["The user deploys on Fridays only."]);

    clock.advance(1000);
    const used = await store.search("deploy with argocd", { userId: "u1", limit: 1, touch: true });
    expect(used[0]?.id).toBe(old.memory.id);
    expect((await store.get(old.memory.id))?.lastUsedAt).toEqual(new Date(clock.now()));
    // Being used makes it recent again.
    const again = await store.search("how does the user deploy", { userId: "u1", since });
    expect(again.map((match) => match.content).sort()).toEqual([
      "The user deploys on Fridays only.",
      "The user deploys with ArgoCD.",
    ]);
  });

  it("lists memories newest first and forgets by id and by user", async () => {
    const a = await store.remember({
      agent: "general-agent",
      userId: "u1",
      content: "The user's name is Ada.",
    });
    clock.advance(1000);
    await store.remember({ agent: "general-agent", userId: "u1", content: "The user works on compilers." });
    await store.remember({ agent: "architect", userId: "u1", content: "Picked Kafka for the event bus." });
    await store.remember({ agent: "general-agent", userId: "u2", content: "The user's name is Grace." });
    expect(
      (await store.list({ userId: "u1", agent: "general-agent" })).map((memory) => memory.content),
    ).toEqual(["The user works on compilers.", "The user's name is Ada."]);
    expect(await store.forget(a.memory.id)).toBe(true);
    expect(await store.forget(a.memory.id)).toBe(false);
    expect(await store.forget("not-a-uuid")).toBe(false);
    expect(await store.get(a.memory.id)).toBeUndefined();
    expect(await store.forgetUser("u1", { agent: "architect" })).toBe(1);
    expect(await store.forgetUser("u1")).toBe(1);
    expect((await store.list()).map((memory) => memory.userId)).toEqual(["u2"]);
  });

  it("does not compare vectors of another embedding model", async () => {
    const other = createMemoryStore({
      db,
      clock,
      embedder: createEmbedder({
        config: readConfig(memoryConfig, {}),
        model: { ...createLocalEmbeddingModel({ dimensions: 512 }), modelId: "another-model" },
      }),
    });
    await other.remember({
      agent: "general-agent",
      userId: "u1",
      content: "The user prefers concise answers.",
    });
    expect(await store.search("concise answers", { userId: "u1" })).toEqual([]);
    expect(await other.search("concise answers", { userId: "u1" })).toHaveLength(1);
  });

  it("refuses empty and overlong memories and bad limits, saying why", async () => {
    await expect(store.remember({ agent: "general-agent", content: "   " })).rejects.toThrow(
      NonRetryableError,
    );
    await expect(store.remember({ agent: "general-agent", content: "x".repeat(2001) })).rejects.toThrow(
      "a memory holds at most 2000 characters, got 2001; store one standalone fact per memory",
    );
    await expect(store.search("x", { limit: 0 })).rejects.toThrow(
      "limit must be a whole number from 1 to 100, got 0",
    );
  });
});

describe("the embedding column and EMBEDDING_DIMENSIONS", () => {
  it("resizes the empty column to the configured length and refuses once memories have another", async () => {
    const db = await createPgliteDb();
    try {
      await migrate(db);
      expect(await memoryColumnDimensions(db)).toBe(512);
      const small = createMemoryStore({
        db,
        embedder: createEmbedder({ config: readConfig(memoryConfig, { EMBEDDING_DIMENSIONS: "64" }) }),
      });
      await small.remember({ agent: "general-agent", content: "The fleet runs on k3s." });
      expect(await memoryColumnDimensions(db)).toBe(64);
      const { rows } = await db.query<{ indexdef: string }>(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'memories_embedding'",
      );
      expect(rows[0]?.indexdef).toContain("USING hnsw (embedding vector_cosine_ops)");
      expect((await small.search("k3s fleet")).map((match) => match.content)).toEqual([
        "The fleet runs on k3s.",
      ]);

      const large = createMemoryStore({
        db,
        embedder: createEmbedder({ config: readConfig(memoryConfig, {}) }),
      });
      const error = await large.ready().catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toBe(
        "EMBEDDING_DIMENSIONS: is 512 but the 1 stored memories have vectors of 64 numbers; set EMBEDDING_DIMENSIONS=64 (with the embedding model that made them), or delete the memories (DELETE FROM memories) to start over at 512",
      );
    } finally {
      await db.close();
    }
  });
});
