import { migrate } from "@mesh-six/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgliteDb } from "../db/pglite.ts";
import type { Db } from "../ports/db.ts";
import { buildCostReport } from "./report.ts";

interface Call {
  readonly at: string;
  readonly agent: string | null;
  readonly user?: string;
  readonly task?: string;
  readonly model?: string;
  readonly prompt: number;
  readonly completion: number;
  readonly cost: number;
  readonly outcome?: string;
  readonly priced?: boolean;
}

const now = Date.parse("2026-03-04T18:00:00Z");

describe("the cost report", () => {
  let db: Db;
  const insert = async (call: Call) => {
    await db.query(
      `INSERT INTO llm_usage (model, prompt_tokens, completion_tokens, cost_usd, outcome, agent_id, capability,
                              task_id, user_id, created_at, priced)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        call.model ?? "gpt-4o-mini",
        call.prompt,
        call.completion,
        call.cost,
        call.outcome ?? "ok",
        call.agent,
        call.agent ? `${call.agent}-work` : null,
        call.task ?? null,
        call.user ?? null,
        call.at,
        call.priced ?? true,
      ],
    );
  };
  beforeAll(async () => {
    db = await createPgliteDb();
    await migrate(db);
    for (const [id, status] of [
      ["t1", "succeeded"],
      ["t2", "failed"],
      ["t3", "succeeded"],
    ] as const) {
      await db.query("INSERT INTO tasks (id, capability, status) VALUES ($1, 'x', $2)", [id, status]);
    }
    // today (2026-03-04)
    await insert({
      at: "2026-03-04T01:00:00Z",
      agent: "writer",
      user: "alice",
      task: "t1",
      prompt: 100,
      completion: 50,
      cost: 0.25,
    });
    await insert({
      at: "2026-03-04T02:00:00Z",
      agent: "writer",
      user: "alice",
      task: "t1",
      prompt: 200,
      completion: 20,
      cost: 0.5,
    });
    await insert({
      at: "2026-03-04T03:00:00Z",
      agent: "coder",
      user: "bob",
      task: "t2",
      prompt: 300,
      completion: 30,
      cost: 1.0,
    });
    await insert({
      at: "2026-03-04T04:00:00Z",
      agent: "coder",
      user: "bob",
      task: "t3",
      prompt: 0,
      completion: 0,
      cost: 0,
      outcome: "rate_limited",
    });
    await insert({
      at: "2026-03-04T05:00:00Z",
      agent: "coder",
      user: "bob",
      task: "t3",
      model: "house-model",
      prompt: 40,
      completion: 10,
      cost: 0,
      priced: false,
    });
    await insert({
      at: "2026-03-04T06:00:00Z",
      agent: null,
      prompt: 8,
      completion: 0,
      cost: 0.01,
      model: "text-embedding-3-small",
    });
    // the week before: 2026-02-25 … 2026-03-03
    await insert({
      at: "2026-02-26T10:00:00Z",
      agent: "writer",
      user: "alice",
      prompt: 10,
      completion: 10,
      cost: 3.5,
    });
    await insert({
      at: "2026-03-03T23:59:59Z",
      agent: "coder",
      user: "bob",
      prompt: 10,
      completion: 10,
      cost: 3.5,
    });
    // outside both
    await insert({
      at: "2026-02-10T10:00:00Z",
      agent: "writer",
      user: "alice",
      prompt: 1,
      completion: 1,
      cost: 99,
    });
  });
  afterAll(async () => {
    await db.close();
  });

  it("sums tokens, cost, calls and cost per successful task, by hand", async () => {
    const report = await buildCostReport(db, { period: "today", groupBy: ["agent", "model", "day"] }, now);
    expect(report.from).toBe("2026-03-04T00:00:00.000Z");
    expect(report.to).toBe("2026-03-04T18:00:00.000Z");
    expect(report.summary).toEqual({
      calls: 6,
      failedCalls: 1,
      promptTokens: 100 + 200 + 300 + 40 + 8,
      completionTokens: 50 + 20 + 30 + 10,
      tokens: 648 + 110,
      costUsd: expect.closeTo(0.25 + 0.5 + 1.0 + 0.01, 10),
      unpricedCalls: 1,
      // t1 and t3 succeeded; t2 failed
      successfulTasks: 2,
      costPerSuccessfulTaskUsd: expect.closeTo(1.76 / 2, 10),
    });
    expect(report.unpricedModels).toEqual(["house-model"]);
    expect(
      report.groups.agent?.map((group) => [group.key, group.calls, group.costUsd, group.successfulTasks]),
    ).toEqual([
      ["coder", 3, 1.0, 1],
      ["writer", 2, 0.75, 1],
      [null, 1, 0.01, 0],
    ]);
    expect(report.groups.agent?.[0]).toMatchObject({
      unpricedCalls: 1,
      failedCalls: 1,
      costPerSuccessfulTaskUsd: 1.0,
    });
    expect(report.groups.model?.map((group) => group.key)).toEqual([
      "gpt-4o-mini",
      "text-embedding-3-small",
      "house-model",
    ]);
    expect(report.groups.day?.map((group) => [group.key, group.calls])).toEqual([["2026-03-04", 6]]);
    expect(report.topSpenders.agents.map((group) => group.key)).toEqual(["coder", "writer"]);
    expect(report.topSpenders.users.map((group) => [group.key, group.costUsd])).toEqual([
      ["bob", 1.0],
      ["alice", 0.75],
    ]);
    // the trailing week spent $7.00: $1.00 a day; today spent $1.76 in 18 hours
    expect(report.trailingWeek.dailyAverageUsd).toBeCloseTo(1.0, 10);
    expect(report.trailingWeek.periodDailyAverageUsd).toBeCloseTo(1.76 / (18 / 24), 10);
    expect(report.trailingWeek.change).toBeCloseTo(1.76 / 0.75 - 1, 10);
  });

  it("reports a range of dates by user and task, to excluded", async () => {
    const report = await buildCostReport(
      db,
      { period: { from: "2026-02-26", to: "2026-03-04" }, groupBy: ["user", "task", "capability"] },
      now,
    );
    expect(report.summary).toMatchObject({
      calls: 2,
      costUsd: 7,
      tokens: 40,
      successfulTasks: 0,
      costPerSuccessfulTaskUsd: null,
    });
    expect(report.groups.user?.map((group) => [group.key, group.costUsd])).toEqual([
      ["alice", 3.5],
      ["bob", 3.5],
    ]);
    expect(report.groups.task?.map((group) => group.key)).toEqual([null]);
    expect(report.groups.capability?.map((group) => group.key)).toEqual(["coder-work", "writer-work"]);
    expect(report.groups.agent).toBeUndefined();
  });

  it("refuses periods and groupings it cannot report", async () => {
    await expect(buildCostReport(db, { period: "fortnight" as never }, now)).rejects.toThrow(
      /a period is "today"/,
    );
    await expect(
      buildCostReport(db, { period: { from: "2026-02-30", to: "2026-03-04" } }, now),
    ).rejects.toThrow(/February 2026 has 28 days/);
    await expect(
      buildCostReport(db, { period: { from: "2026-03-04", to: "2026-03-01" } }, now),
    ).rejects.toThrow(/from must be before to/);
    await expect(buildCostReport(db, { groupBy: ["colour" as never] }, now)).rejects.toThrow(
      /group by one of/,
    );
  });
});
