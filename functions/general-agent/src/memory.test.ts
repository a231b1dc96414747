import { type MeshEvent, TaskCompleted, TaskDispatched } from "@mesh-six/events";
import { createManualClock } from "@mesh-six/shared/clock";
import { memoryConfig } from "@mesh-six/shared/config/memory";
import { readConfig } from "@mesh-six/shared/config/read";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import { createLlm } from "@mesh-six/shared/llm/create";
import { silentLogger } from "@mesh-six/shared/log/logger";
import { createMemory } from "@mesh-six/shared/memory/create";
import type { Db } from "@mesh-six/shared/ports/db";
import { createFunctionRuntime } from "@mesh-six/shared/runtime/function-runtime";
import { createTestDb } from "@mesh-six/shared/runtime/test-fixture";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generalAgent } from "./index.ts";

describe("general-agent's memory", () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db.close());
  beforeEach(() => db.exec("DELETE FROM memories"));

  /** One task through the agent's runtime with memory on this database; resolves with its result. */
  async function run(payload: Record<string, unknown>, env: Record<string, string> = {}) {
    const clock = createManualClock();
    const config = readConfig(memoryConfig, env);
    const llm = createLlm({ config, db, clock });
    const published: MeshEvent[] = [];
    const runtime = createFunctionRuntime({
      definition: generalAgent,
      db,
      kv: createMemoryKv({ clock }),
      clock,
      config,
      llm,
      memory: createMemory({ db, config, llm, clock }),
      logger: silentLogger,
      publish: async (event) => {
        published.push(event);
      },
    });
    const dispatched = TaskDispatched.create({
      source: "/mesh-six/orchestrator",
      data: {
        taskId: crypto.randomUUID(),
        capability: "general-query",
        agentId: "general-agent",
        attempt: 1,
        payload,
        priority: 5,
        deadline: new Date(clock.now() + 120_000).toISOString(),
      },
    });
    await runtime.subscriber(dispatched, { signal: new AbortController().signal });
    const parsed = TaskCompleted.parse(published.find((event) => TaskCompleted.is(event))!);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.data.result as { memories: { recalled: number; learned: number } };
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
