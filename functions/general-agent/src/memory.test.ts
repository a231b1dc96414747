import { createManualClock } from "@mesh-six/shared/clock";
import { memoryConfig } from "@mesh-six/shared/config/memory";
import { readConfig } from "@mesh-six/shared/config/read";
import { createLlm } from "@mesh-six/shared/llm/create";
import { createMemory } from "@mesh-six/shared/memory/create";
import type { Db } from "@mesh-six/shared/ports/db";
import { createTestDb, testFunction } from "@mesh-six/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generalAgent } from "./index.ts";

describe("general-agent's memory", () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db.close());
  beforeEach(() => db.exec("DELETE FROM memories"));

  /** One task through the agent with memory on this database; resolves with its result. */
  async function run(payload: Record<string, unknown>, env: Record<string, string> = {}) {
    const clock = createManualClock();
    const config = readConfig(memoryConfig, env);
    const llm = createLlm({ config, db, clock });
    const memory = createMemory({ db, config, llm, clock });
    const agent = await testFunction(generalAgent, { db, clock, env, llm, memory });
    const task = await agent.task(payload);
    if (task.status !== "succeeded")
      throw new Error(`the task ${task.status}: ${JSON.stringify(task.error)}`);
    return task.result as { memories: { recalled: number; learned: number } };
  }

  const memories = async () => (await db.query<{ content: string }>("SELECT content FROM memories")).rows;

  it("learns from a user's task and recalls it in the next", async () => {
    expect((await run({ query: "My name is Ada. What is 2+2?", userId: "u1" })).memories).toEqual({
      recalled: 0,
      learned: 1,
    });
    expect(await memories()).toEqual([{ content: "The user's name is Ada." }]);
    expect((await run({ query: "What is 3+3?", userId: "u1" })).memories).toEqual({
      recalled: 1,
      learned: 0,
    });
  });

  it("stores nothing from a task without a user, as anyone could read it", async () => {
    expect((await run({ query: "My name is Ada. What is 2+2?" })).memories).toEqual({
      recalled: 0,
      learned: 0,
    });
    expect(await memories()).toEqual([]);
  });

  it("neither recalls nor learns when MEMORY_DISABLED_AGENTS names it", async () => {
    await run({ query: "My name is Ada.", userId: "u1" });
    const off = { MEMORY_DISABLED_AGENTS: "general-agent" };
    expect((await run({ query: "I prefer tea. What is 2+2?", userId: "u1" }, off)).memories).toEqual({
      recalled: 0,
      learned: 0,
    });
    expect(await memories()).toEqual([{ content: "The user's name is Ada." }]);
  });
});
