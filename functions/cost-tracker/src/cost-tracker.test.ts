import { CostAlerted, CostReported, type MeshEvent } from "@mesh-six/events";
import { createSteppingClock } from "@mesh-six/shared/broker/stepping-clock";
import { putBudget } from "@mesh-six/shared/cost";
import { createTestMesh, type TestMesh } from "@mesh-six/testing";
import { afterEach, describe, expect, it } from "vitest";
import { costTracker, defineCostTracker } from "./index.ts";

const hours = (count: number) => count * 3_600_000;

interface Call {
  readonly at: string;
  readonly agent: string;
  readonly user?: string;
  readonly model?: string;
  readonly tokens?: number;
  readonly cost: number;
}

async function spend(mesh: TestMesh, calls: readonly Call[]) {
  for (const call of calls) {
    await mesh.db.query(
      `INSERT INTO llm_usage (model, prompt_tokens, completion_tokens, cost_usd, agent_id, capability, user_id, created_at)
       VALUES ($1, $2, $3, $4, $5, 'writing', $6, $7)`,
      [
        call.model ?? "gpt-4o-mini",
        call.tokens ?? 100,
        10,
        call.cost,
        call.agent,
        call.user ?? null,
        call.at,
      ],
    );
  }
}

const ofType = (mesh: TestMesh, type: string) =>
  mesh.events.filter((event: MeshEvent) => event.type === type);

// Advancing the mesh wakes the orchestrator's every-minute sweep too: an hour is ~60 wake-ups.
describe("cost-tracker", { timeout: 120_000 }, () => {
  let mesh: TestMesh | undefined;
  afterEach(async () => {
    await mesh?.host.stop();
    mesh = undefined;
  });

  it("sends yesterday's report at 06:00 on its PingSource, and stores it", async () => {
    mesh = await createTestMesh({
      functions: [costTracker],
      clock: createSteppingClock(Date.parse("2026-03-04T05:30:00Z")),
    });
    await spend(mesh, [
      { at: "2026-03-03T09:00:00Z", agent: "writer", user: "alice", cost: 0.25 },
      { at: "2026-03-03T10:00:00Z", agent: "writer", user: "alice", cost: 0.5 },
      { at: "2026-03-03T11:00:00Z", agent: "coder", user: "bob", model: "gpt-4o", cost: 2 },
      // the week before: $3.50 in all, $0.50 a day
      { at: "2026-02-27T11:00:00Z", agent: "coder", user: "bob", cost: 3.5 },
      // today: not in yesterday's report
      { at: "2026-03-04T01:00:00Z", agent: "coder", user: "bob", cost: 40 },
    ]);
    await mesh.advance(hours(0.4));
    expect(ofType(mesh, CostReported.type)).toHaveLength(0);
    await mesh.advance(hours(0.2)); // 06:06
    const [reported, ...more] = ofType(mesh, CostReported.type);
    expect(more).toHaveLength(0);
    expect(reported?.time).toBe("2026-03-04T06:00:00.000Z");
    expect(reported?.source).toBe("/mesh-six/cost-tracker");
    expect(reported?.data).toMatchObject({
      from: "2026-03-03T00:00:00.000Z",
      to: "2026-03-04T00:00:00.000Z",
      summary: { calls: 3, tokens: 330, costUsd: 2.75, unpricedCalls: 0 },
      topSpenders: {
        agents: [
          { key: "coder", costUsd: 2, calls: 1 },
          { key: "writer", costUsd: 0.75, calls: 2 },
        ],
        users: [
          { key: "bob", costUsd: 2 },
          { key: "alice", costUsd: 0.75 },
        ],
      },
      trailingWeek: { dailyAverageUsd: 0.5, periodDailyAverageUsd: 2.75, change: 4.5 },
    });
    const { rows } = await mesh.db.query<{ kind: string; report: { summary: { costUsd: number } } }>(
      "SELECT kind, report FROM cost_reports",
    );
    expect(rows).toEqual([
      {
        kind: "scheduled",
        report: expect.objectContaining({ summary: expect.objectContaining({ costUsd: 2.75 }) }),
      },
    ]);
  });

  it("fires on the cron it is given", async () => {
    mesh = await createTestMesh({
      functions: [defineCostTracker({ reportCron: "30 7 * * *", alertCron: "0 0 1 1 *" })],
      clock: createSteppingClock(Date.parse("2026-03-04T07:00:00Z")),
    });
    await mesh.advance(hours(0.6));
    expect(ofType(mesh, CostReported.type).map((event) => event.time)).toEqual(["2026-03-04T07:30:00.000Z"]);
  });

  it("alerts once for a spike against an agent's own baseline, and once for a budget past its warning", async () => {
    mesh = await createTestMesh({
      functions: [costTracker],
      clock: createSteppingClock(Date.parse("2026-03-04T12:00:00Z")),
      env: { COST_SPIKE_FACTOR: "3", COST_SPIKE_MINIMUM_USD: "0.5" },
    });
    const baseline = [1, 2, 3, 4, 5, 6, 7].map((day) => ({
      at: new Date(Date.parse("2026-03-03T12:30:00Z") - day * 86_400_000).toISOString(),
      agent: "writer",
      user: "carol",
      cost: 1,
    }));
    // writer: $1 a day for a week, then $5 this morning; coder: steady at $1
    await spend(mesh, [
      ...baseline,
      ...baseline.map((call) => ({ ...call, agent: "coder", user: "dave" })),
      { at: "2026-03-04T09:00:00Z", agent: "writer", user: "carol", cost: 5 },
      { at: "2026-03-04T09:30:00Z", agent: "coder", user: "dave", cost: 1, tokens: 850 },
    ]);
    await putBudget(mesh.db, "dave-daily", {
      scope: "user",
      subject: "dave",
      period: "day",
      tokens: 1000,
      onExceeded: "reject",
      warnAt: 0.8,
    });
    await mesh.advance(hours(1)); // the 12:05 check
    const alerts = ofType(mesh, CostAlerted.type).map((event) => event.data as Record<string, unknown>);
    expect(alerts.map((alert) => [alert.kind, alert.scope, alert.subject])).toEqual([
      ["spike", "agent", "writer"],
      ["spike", "user", "carol"],
      ["budget-warning", "user", "dave"],
    ]);
    expect(alerts[0]).toMatchObject({
      message:
        "agent writer spent $5.00 in the last 24 hours, 5.0× its daily average of $1.00 over the 7 days before",
      windowStart: "2026-03-04T00:00:00.000Z",
      spentUsd: 5,
      baselineUsd: 1,
    });
    expect(alerts[2]).toMatchObject({
      budget: "dave-daily",
      usedTokens: 860,
      limitTokens: 1000,
      message: expect.stringContaining('budget "dave-daily" (user dave) is 86% used (warning at 80%)'),
    });
    // the spike goes on, and more is spent: the hourly checks send nothing new that day
    await spend(mesh, [{ at: "2026-03-04T12:50:00Z", agent: "writer", user: "carol", cost: 5 }]);
    await mesh.advance(hours(1)); // the 13:05 check
    expect(ofType(mesh, CostAlerted.type)).toHaveLength(3);
  });

  it("answers a cost-reporting task with the report, and fails one it cannot read", async () => {
    mesh = await createTestMesh({
      functions: [costTracker],
      clock: createSteppingClock(Date.parse("2026-03-04T12:00:00Z")),
    });
    await spend(mesh, [
      { at: "2026-03-04T09:00:00Z", agent: "writer", model: "gpt-4o", tokens: 200, cost: 1.25 },
      { at: "2026-03-04T10:00:00Z", agent: "writer", model: "gpt-4o-mini", tokens: 50, cost: 0.25 },
      { at: "2026-03-04T11:00:00Z", agent: "coder", model: "gpt-4o", tokens: 300, cost: 2 },
    ]);
    const task = await mesh.task("cost-reporting", { period: "today", groupBy: ["model"] });
    expect(task.status).toBe("succeeded");
    expect(task.result).toMatchObject({
      from: "2026-03-04T00:00:00.000Z",
      summary: { calls: 3, promptTokens: 550, completionTokens: 30, costUsd: 3.5 },
      groups: {
        model: [
          { key: "gpt-4o", calls: 2, tokens: 520, costUsd: 3.25 },
          { key: "gpt-4o-mini", calls: 1, tokens: 60, costUsd: 0.25 },
        ],
      },
    });
    const failed = await mesh.task("cost-reporting", { period: { from: "2026-02-29", to: "2026-03-04" } });
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatchObject({ type: "invalid_input", retryable: false });
    expect(failed.error?.message).toContain(
      "period.from: 2026-02-29 does not exist: February 2026 has 28 days",
    );
  });
});
