import { createManualClock } from "@mesh-six/shared/clock";
import { memoryConfig } from "@mesh-six/shared/config/memory";
import { readConfig } from "@mesh-six/shared/config/read";
import { createNeonDb } from "@mesh-six/shared/db/neon";
import { createEmbedder } from "@mesh-six/shared/embeddings/create";
import { createMemoryStore } from "@mesh-six/shared/memory/store";
import type { Db } from "@mesh-six/shared/ports/db";
import { migrate } from "@mesh-six/sql";
import { serviceEnv } from "@mesh-six/testing/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The memory store over a real wire protocol: Neon's driver (HTTP queries, WebSocket
// transactions) against a PostgreSQL with pgvector (PGlite's server; Debian's PostgreSQL
// has no pgvector, see db.services.test.ts).
describe("the memory store through Neon's driver", () => {
  let db: Db;
  const clock = createManualClock(Date.parse("2025-06-01T12:00:00Z"));
  beforeAll(async () => {
    db = createNeonDb({
      url: serviceEnv("MESH_TEST_PGLITE_URL"),
      wsProxy: serviceEnv("MESH_TEST_NEON_WS_PROXY"),
      fetchEndpoint: serviceEnv("MESH_TEST_NEON_FETCH_ENDPOINT"),
      useSecureWebSocket: false,
      pipelineConnect: false,
      httpQueries: true,
    });
    await migrate(db);
    await db.query("DELETE FROM memories WHERE agent = 'services-test'");
  });
  afterAll(async () => {
    await db.query("DELETE FROM memories WHERE agent = 'services-test'");
    await db.close();
  });

  it("remembers, de-duplicates, searches with filters and forgets", async () => {
    const store = createMemoryStore({
      db,
      clock,
      embedder: createEmbedder({ config: readConfig(memoryConfig, {}) }),
    });
    const agent = "services-test";
    const first = await store.remember({ agent, userId: "u1", content: "The user prefers concise answers." });
    const again = await store.remember({ agent, userId: "u1", content: "The user prefers concise answers" });
    expect(again).toMatchObject({ action: "updated", memory: { id: first.memory.id } });
    await store.remember({ agent, userId: "u2", content: "The user prefers detailed answers." });
    clock.advance(60_000);
    const found = await store.search("concise answers", {
      agent,
      userId: "u1",
      since: new Date(clock.now() - 120_000),
      touch: true,
    });
    expect(found.map((memory) => [memory.content, memory.lastUsedAt])).toEqual([
      ["The user prefers concise answers", new Date(clock.now())],
    ]);
    expect(await store.forget(first.memory.id)).toBe(true);
    expect(await store.forgetUser("u2", { agent })).toBe(1);
    expect(await store.list({ agent })).toEqual([]);
  });
});
