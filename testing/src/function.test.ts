import {
  ApprovalRequested,
  RunContinued,
  TaskCompleted,
  TaskDispatched,
  TaskProgress,
} from "@mesh-six/events";
import { RetryableError } from "@mesh-six/shared/errors";
import { defineFunction } from "@mesh-six/shared/function/define";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalsOf } from "./assert/approvals.ts";
import { eventsOf, eventTypes } from "./assert/events.ts";
import { runOf, stepsOf } from "./assert/runs.ts";
import { llmUsageOf } from "./assert/usage.ts";
import { type TestFunction, testFunction } from "./function.ts";
import { stepper } from "./samples.ts";

/** Asks a person before it deploys; sleeps an hour before it reports. */
const deployer = defineFunction({
  name: "deployer",
  description: "test: deploys after a person approves",
  capabilities: [{ name: "deploy", weight: 1 }],
  runSettings: { hopBudgetMs: 0 },
  async run(input, step) {
    const decision = await step.approval("go", {
      action: `deploy ${String(input.service)}`,
      risks: ["downtime"],
    });
    if (!decision.approved) return { deployed: false, reason: decision.reason ?? "rejected" };
    await step.sleep("settle", "PT1H");
    return { deployed: true };
  },
});

describe("testFunction: one function against PGlite with a manual clock", () => {
  let chain: TestFunction;
  let deploys: TestFunction;
  beforeAll(async () => {
    chain = await testFunction(stepper);
    deploys = await testFunction(deployer, { db: chain.db, clock: chain.clock });
  });
  afterAll(() => chain.close());

  it("runs a task through every hop of its run and says how it ended", async () => {
    const task = await chain.task({ word: "w", question: "What is 3+4?" });
    expect(task).toMatchObject({
      status: "succeeded",
      result: { chain: "w-1-2-3", answer: "[offline model] 3+4 = 7" },
    });
    expect(await stepsOf(chain.db, task)).toEqual([
      { name: "first", kind: "do", status: "succeeded", attempts: 1 },
      { name: "second", kind: "do", status: "succeeded", attempts: 1 },
      { name: "answer", kind: "llm", status: "succeeded", attempts: 1 },
      { name: "third", kind: "do", status: "succeeded", attempts: 1 },
    ]);
    expect(await runOf(chain.db, task)).toMatchObject({ status: "succeeded", hops: 5 });
    // one hop per step: what it emitted, in order
    const mine = chain.published.filter(
      (event) => (event.data as { taskId?: string }).taskId === task.taskId,
    );
    expect(eventTypes(mine)).toEqual([
      TaskProgress.type,
      TaskProgress.type,
      TaskProgress.type,
      TaskProgress.type,
      TaskCompleted.type,
    ]);
    expect(eventsOf(chain.published, TaskProgress, { taskId: task.taskId }).map((data) => data.step)).toEqual(
      ["first", "second", "answer", "third"],
    );
    expect(chain.ofType(RunContinued).length).toBeGreaterThanOrEqual(4);
    expect(await llmUsageOf(chain.db, { taskId: task.taskId, step: "answer" })).toMatchObject([
      { model: "mesh-six-offline", offline: true, agentId: "stepper", capability: "step-chain" },
    ]);
  });

  it("waits for a person: pending until decided, then the clock lets its sleep end", async () => {
    const task = await deploys.task({ service: "api" });
    expect(task).toEqual({ taskId: task.taskId, status: "pending" });
    const [approval, ...others] = await approvalsOf(deploys.db, { taskId: task.taskId });
    expect(others).toEqual([]);
    expect(approval).toMatchObject({ kind: "approval", step: "go", context: { action: "deploy api" } });
    expect(eventsOf(deploys.published, ApprovalRequested, { approvalId: approval!.id })).toHaveLength(1);

    await deploys.decide(approval!.id, { decision: "approved", reason: "after hours" });
    expect(deploys.outcome(task.taskId).status).toBe("pending");
    expect(await approvalsOf(deploys.db, { taskId: task.taskId })).toEqual([]);
    expect(await approvalsOf(deploys.db, { taskId: task.taskId, status: "any" })).toMatchObject([
      {
        status: "approved",
        reason: "after hours",
        decidedBy: "event from /mesh-six/testing",
        decidedVia: "event",
      },
    ]);
    await deploys.advance(59 * 60_000);
    expect(deploys.outcome(task.taskId).status).toBe("pending");
    await deploys.advance(60_000);
    expect(deploys.outcome(task.taskId)).toMatchObject({ status: "succeeded", result: { deployed: true } });
    expect(await stepsOf(deploys.db, task)).toEqual([
      { name: "go", kind: "approval", status: "succeeded", attempts: 1 },
      { name: "settle", kind: "sleep", status: "succeeded", attempts: 1 },
    ]);
    expect(await llmUsageOf(deploys.db, task)).toEqual([]);
  });

  it("never deploys on a rejection", async () => {
    const task = await deploys.task({ service: "db" });
    const [approval] = await approvalsOf(deploys.db, { taskId: task.taskId });
    await deploys.decide(approval!.id, { decision: "rejected", reason: "not today" });
    expect(deploys.outcome(task.taskId)).toMatchObject({
      status: "succeeded",
      result: { deployed: false, reason: "not today" },
    });
    expect((await stepsOf(deploys.db, task)).map((step) => step.name)).toEqual(["go"]);
  });

  it("runs a handler function too, and says when it does not take a task", async () => {
    let calls = 0;
    const flaky = await testFunction(
      defineFunction({
        name: "flaky",
        description: "test: a handler that fails once",
        capabilities: [{ name: "flake", weight: 1 }],
        subscriptions: [{ name: "tasks", attributes: { type: TaskDispatched.type, meshagent: "flaky" } }],
        async handler(event, ctx) {
          calls += 1;
          if (calls === 1) throw new RetryableError("the upstream is busy");
          const { taskId, attempt } = event.data as { taskId: string; attempt: number };
          return ctx.commit(async () => [
            ctx.emit(TaskCompleted, { taskId, agentId: "flaky", attempt, result: { calls }, durationMs: 1 }),
          ]);
        },
      }),
      { db: chain.db },
    );
    await expect(flaky.task({}, { taskId: "flaky-1" })).rejects.toThrow(
      /flaky answered 503 to the task\.dispatched of task flaky-1: the broker would deliver it again/,
    );
    expect(await flaky.task({}, { taskId: "flaky-2" })).toMatchObject({
      status: "succeeded",
      result: { calls: 2 },
    });
  });

  it("closes the database it opened, not one it was given", async () => {
    const own = await testFunction(stepper);
    await own.close();
    await expect(own.db.query("SELECT 1")).rejects.toThrow();
    const borrowed = await testFunction(stepper, { db: chain.db });
    await borrowed.close();
    expect((await chain.db.query<{ one: number }>("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  });
});
