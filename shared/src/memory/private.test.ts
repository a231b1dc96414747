import { migrate } from "@mesh-six/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createManualClock } from "../clock.ts";
import { memoryConfig } from "../config/memory.ts";
import { readConfig } from "../config/read.ts";
import { createPgliteDb } from "../db/pglite.ts";
import type { Db } from "../ports/db.ts";
import { createMemory } from "./create.ts";
import { privateMemory } from "./private.ts";

describe("a private task's memory", () => {
  let db: Db;
  const sent: string[] = [];
  // an embedding endpoint that must never be asked: it fails the test by being reached
  const fetch = (async (input: string | URL | Request) => {
    sent.push(String(input));
    return new Response("{}", { status: 500 });
  }) as typeof globalThis.fetch;
  beforeAll(async () => {
    db = await createPgliteDb();
    await migrate(db);
  });
  afterAll(() => db.close());

  const memoryOf = (env: Record<string, string>) =>
    privateMemory(
      createMemory({ db, config: readConfig(memoryConfig, env), clock: createManualClock(), fetch }).forAgent(
        "general-agent",
      ),
    );

  it("sends none of recall, remember, search or learn to a configured embedding model", async () => {
    const memory = memoryOf({
      EMBEDDING_MODEL: "text-embedding-3-small",
      EMBEDDING_BASE_URL: "http://llm.test/v1",
    });
    for (const call of [
      () => memory.recall("my diagnosis", { userId: "erin" }),
      () => memory.remember("Erin's diagnosis is private", { userId: "erin" }),
      () => memory.search("diagnosis", { userId: "erin" }),
      () => memory.learn([{ role: "user", content: "My name is Erin." }], { userId: "erin" }),
    ]) {
      await expect(call()).rejects.toMatchObject({ type: "permission", retryable: false });
    }
    expect(sent).toEqual([]);
  });

  it("works as ever with the local embedder", async () => {
    const memory = memoryOf({});
    expect((await memory.remember("Erin prefers short answers", { userId: "erin" }))?.action).toBe(
      "inserted",
    );
    expect((await memory.recall("short answers", { userId: "erin" })).map((match) => match.content)).toEqual([
      "Erin prefers short answers",
    ]);
  });
});
