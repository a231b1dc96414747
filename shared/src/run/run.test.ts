import {
  ApprovalDecided,
  ApprovalRequested,
  defineEvent,
  type MeshEvent,
  RunContinued,
  TaskCompleted,
  TaskFailed,
  TaskFinished,
  TaskProgress,
  TaskRequested,
} from "@mesh-six/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { NonRetryableError, RetryableError } from "../errors.ts";
import { defineFunction } from "../function/define.ts";
import type { FunctionDefinition } from "../function/types.ts";
import type { Db } from "../ports/db.ts";
import { deriveEventId } from "../runtime/ids.ts";
import { count, createTestDb } from "../runtime/test-fixture.ts";
import { dispatchedTask, functionUnderTest } from "../testing/function-under-test.ts";
import { decideApproval, listApprovals } from "./approvals.ts";
import { runIdFor } from "./events.ts";
import type { RunFunction, RunSettings } from "./types.ts";

const DeployFinished = defineEvent("dev.meshsix.test.deployfinished", {
  description: "a test event runs wait for",
  schema: z.object({ app: z.string(), ok: z.boolean() }),
});

let db: Db;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db.close());

let names = 0;
function agent(
  run: RunFunction,
  runSettings: RunSettings = { hopBudgetMs: 0 },
  extra: Partial<FunctionDefinition> = {},
) {
  names += 1;
  return defineFunction({
    name: `runner-${names}`,
    description: "a test run",
    capabilities: [{ name: "testing", weight: 1 }],
    run,
    runSettings,
    ...extra,
  });
}

const runOf = async (taskId: string) => {
  const { rows } = await db.query<{ id: string; status: string; hops: number; error: unknown }>(
    "SELECT id, status, hops, error FROM runs WHERE task_id = $1",
    [taskId],
  );
  return rows[0]!;
};

describe("durable runs", () => {
  it("runs a chain of steps one hop each, memoized, and completes the task with the output", async () => {
    const effects: string[] = [];
    const definition = agent(async (input, step) => {
      const a = await step.do("first", () => {
        effects.push("first");
        return { n: Number(input.n) };
      });
      const b = await step.do("second", () => {
        effects.push("second");
        return a.n * 2;
      });
      const answer = await step.llm("answer", { prompt: `What is ${b}+${b}?` });
      return { b, answer: answer.text };
    });
    const run = functionUnderTest(db, definition);
    const taskId = await run.dispatch({ n: 21 });
    expect(run.result(taskId)).toMatchObject({
      type: TaskCompleted.type,
      data: { result: { b: 42, answer: "[offline model] 42+42 = 84" }, attempt: 1 },
    });
    expect(effects).toEqual(["first", "second"]);
    // one step per hop: the start and three continuations, the last one finishing the run
    expect(run.ofType(RunContinued)).toHaveLength(3);
    expect(await runOf(taskId)).toMatchObject({ status: "succeeded", hops: 4 });
    const progress = run.ofType(TaskProgress).map((event) => (event.data as { step: string }).step);
    expect(progress).toEqual(["first", "second", "answer"]);
    expect(
      await count(db, "SELECT count(*) FROM llm_usage WHERE task_id = $1 AND step = 'answer'", [taskId]),
    ).toBe(1);
  });

  it("runs several cheap steps in one hop within the budget", async () => {
    const definition = agent(
      async (_input, step) => {
        for (let index = 0; index < 5; index += 1) await step.do("count", () => index);
        return "done";
      },
      { hopBudgetMs: 60_000 },
    );
    const run = functionUnderTest(db, definition);
    const taskId = await run.dispatch();
    expect(run.result(taskId)?.data.result).toBe("done");
    expect(run.ofType(RunContinued)).toHaveLength(0);
    const { rows } = await db.query<{ name: string }>(
      "SELECT s.name FROM run_steps s JOIN runs r ON r.id = s.run_id WHERE r.task_id = $1 ORDER BY position",
      [taskId],
    );
    expect(rows.map((row) => row.name)).toEqual(["count", "count#2", "count#3", "count#4", "count#5"]);
  });

  it("a redelivered continuation runs nothing twice", async () => {
    let effects = 0;
    const definition = agent(async (_input, step) => {
      await step.do("effect", () => {
        effects += 1;
      });
      await step.do("after", () => 1);
      return effects;
    });
    const run = functionUnderTest(db, definition);
    const taskId = await run.dispatch();
    for (const event of run.ofType(RunContinued)) await run.deliver(event);
    await run.deliver(run.published[0]!);
    expect(effects).toBe(1);
    expect(run.ofType(TaskCompleted)).toHaveLength(1);
    expect(run.result(taskId)?.data.result).toBe(1);
  });

  it("a redelivery takes over the lease of its own dead hop; another delivery finds the run busy", async () => {
    const definition = agent(async (_input, step) => step.do("only", () => "done"));
    const run = functionUnderTest(db, definition);
    const taskId = crypto.randomUUID();
    const dispatched = dispatchedTask(definition, {}, { taskId }, run.clock.now());
    const runId = runIdFor(definition.name, taskId, 1);
    const held = (delivery: string) =>
      db.query(
        `INSERT INTO runs (id, function_name, status, input, task_id, attempt, capability, lease_owner, lease_until,
                           created_at, updated_at)
         VALUES ($1, $2, 'running', '{}', $3, 1, 'testing', $4, $5, 0, 0)
         ON CONFLICT (id) DO UPDATE SET lease_owner = EXCLUDED.lease_owner, lease_until = EXCLUDED.lease_until`,
        [runId, definition.name, taskId, `${delivery}:dead-hop`, run.clock.now() + 3_600_000],
      );
    await held(deriveEventId(definition.name, "/somebody/else", "other-event"));
    await run.deliver(dispatched);
    expect(run.result(taskId)).toBeUndefined();
    expect(await runOf(taskId)).toMatchObject({ status: "running" });
    await held(deriveEventId(definition.name, dispatched.source, dispatched.id));
    await db.query("DELETE FROM inbox WHERE event_id = $1", [dispatched.id]);
    await run.deliver(dispatched);
    expect(run.result(taskId)?.data.result).toBe("done");
  });

  it("retries a step that throws a retryable error, then fails the run naming the step", async () => {
    let tries = 0;
    const definition = agent(
      async (_input, step) => {
        await step.do(
          "flaky",
          () => {
            tries += 1;
            if (tries < 3) throw new RetryableError("the API is busy");
            return tries;
          },
          { retry: { attempts: 3, delay: 0 } },
        );
        return step.do(
          "doomed",
          () => {
            throw new RetryableError("still busy");
          },
          { retry: { attempts: 2, delay: 0 } },
        );
      },
      { hopBudgetMs: 60_000 },
    );
    const run = functionUnderTest(db, definition);
    const taskId = await run.dispatch();
    expect(tries).toBe(3);
    expect(run.result(taskId)).toMatchObject({
      type: TaskFailed.type,
      data: { error: { type: "unhandled", message: 'step "doomed" failed: still busy (after 2 attempts)' } },
    });
    expect(await runOf(taskId)).toMatchObject({ status: "failed", error: { step: "doomed" } });
  });

  it("waits for a retry's delay through the sweep when it is longer than a hop should wait", async () => {
    let tries = 0;
    const definition = agent(async (_input, step) =>
      step.do(
        "slow-retry",
        () => {
          tries += 1;
          if (tries === 1) throw new Error("connection reset");
          return "ok";
        },
        { retry: { attempts: 2, delay: "PT30S" } },
      ),
    );
    const run = functionUnderTest(db, definition);
    const taskId = await run.dispatch();
    expect(run.result(taskId)).toBeUndefined();
    expect(await runOf(taskId)).toMatchObject({ status: "waiting" });
    await run.sweep();
    expect(tries).toBe(1);
    await run.clock.advance(30_000);
    await run.sweep();
    expect(run.result(taskId)?.data.result).toBe("ok");
  });

  it("fails at once on a non-retryable error, and the run code can catch a failed step", async () => {
    const definition = agent(async (_input, step) => {
      try {
        await step.do("bad", () => {
          throw new NonRetryableError("the input is wrong");
        });
      } catch (error) {
        return { caught: (error as Error).message };
      }
      return "not reached";
    });
    const run = functionUnderTest(db, definition);
    const taskId = await run.dispatch();
    expect(run.result(taskId)?.data.result).toEqual({ caught: 'step "bad" failed: the input is wrong' });
  });

  it("fails a run whose steps moved, naming the step", async () => {
    let swapped = false;
    const definition = agent(async (_input, step) => {
      if (!swapped) {
        await step.do("a", () => 1);
        swapped = true;
      }
      await step.do("b", () => 2);
      return "done";
    });
    const run = functionUnderTest(db, definition);
    const taskId = await run.dispatch();
    const failed = run.result(taskId);
    expect(failed?.type).toBe(TaskFailed.type);
    expect(String((failed!.data.error as { message: string }).message)).toContain(
      'step "b" moved: the run\'s log has it at position 2, the code now asks for it at position 1',
    );
  });

  it("enforces the step limit and the result size limit with clear errors", async () => {
    const many = functionUnderTest(
      db,
      agent(
        async (_input, step) => {
          for (let index = 0; index < 10; index += 1) await step.do("s", () => index);
        },
        { hopBudgetMs: 60_000, maxSteps: 3 },
      ),
    );
    const first = await many.dispatch();
    expect((many.result(first)!.data.error as { message: string }).message).toContain(
      'the run asked for step "s#4", its 4th; a run may take 3 steps',
    );
    const big = functionUnderTest(
      db,
      agent(async (_input, step) => step.do("big", () => "x".repeat(2000)), { maxResultBytes: 1000 }),
    );
    const second = await big.dispatch();
    expect((big.result(second)!.data.error as { message: string }).message).toContain(
      'the result of step "big" is 2.0 KiB of JSON; the limit is 1000 bytes',
    );
  });

  it("sleeps without compute: the sweep wakes the run when the time has come", async () => {
    const definition = agent(async (_input, step) => {
      await step.sleep("nap", "PT1H");
      return "rested";
    });
    const run = functionUnderTest(db, definition);
    const taskId = await run.dispatch();
    expect(await runOf(taskId)).toMatchObject({ status: "waiting" });
    await run.clock.advance(59 * 60_000);
    await run.sweep();
    expect(run.result(taskId)).toBeUndefined();
    await run.clock.advance(60_000);
    await run.sweep();
    expect(run.result(taskId)?.data.result).toBe("rested");
  });

  it("a wait finds an event that arrived before the wait existed, and times out to null", async () => {
    const definition = agent(
      async (input, step) => {
        await step.sleep("first", "PT1M");
        const event = await step.waitFor("deployed", {
          event: DeployFinished,
          match: { app: input.app },
          timeout: "PT10M",
        });
        return event ? event.data : null;
      },
      { hopBudgetMs: 0 },
      { waitsFor: [DeployFinished] },
    );
    const run = functionUnderTest(db, definition);
    const early = await run.dispatch({ app: "shop" });
    await run.deliver(DeployFinished.create({ source: "/ci", data: { app: "other", ok: false } }));
    await run.deliver(DeployFinished.create({ source: "/ci", data: { app: "shop", ok: true } }));
    await run.clock.advance(60_000);
    await run.sweep();
    expect(run.result(early)?.data.result).toEqual({ app: "shop", ok: true });

    const late = await run.dispatch({ app: "nobody" });
    await run.clock.advance(60_000);
    await run.sweep();
    expect(await runOf(late)).toMatchObject({ status: "waiting" });
    await run.clock.advance(10 * 60_000);
    await run.sweep();
    expect(run.result(late)?.data.result).toBeNull();
  });

  it("a waiting run is woken by the matching event", async () => {
    const definition = agent(
      async (_input, step) =>
        step.waitFor("deployed", { event: DeployFinished, match: { app: "api" }, timeout: "P1D" }),
      { hopBudgetMs: 0 },
      { waitsFor: [DeployFinished] },
    );
    const run = functionUnderTest(db, definition);
    const taskId = await run.dispatch();
    await run.deliver(DeployFinished.create({ source: "/ci", data: { app: "api", ok: true } }));
    expect((run.result(taskId)!.data.result as MeshEvent).data).toEqual({ app: "api", ok: true });
  });

  it("fans out child tasks and joins them when all have finished", async () => {
    const definition = agent(async (_input, step) => {
      const results = await step.all([
        step.task("a", { capability: "general-query", payload: { query: "a" } }),
        step.task("b", { capability: "general-query", payload: { query: "b" } }),
        step.task("c", { capability: "general-query", payload: { query: "c" } }),
      ]);
      return results;
    });
    const run = functionUnderTest(db, definition);
    const taskId = await run.dispatch();
    const requests = run.ofType(TaskRequested);
    expect(requests.map((event) => (event.data as { payload: { query: string } }).payload.query)).toEqual([
      "a",
      "b",
      "c",
    ]);
    expect(requests.every((event) => (event.data as { replyTo: string }).replyTo === definition.name)).toBe(
      true,
    );
    const finishChild = async (event: MeshEvent, answer: string) => {
      const child = event.data as { taskId: string };
      await db.query(
        "INSERT INTO tasks (id, capability, status, result) VALUES ($1, 'general-query', 'succeeded', $2::jsonb)",
        [child.taskId, JSON.stringify({ answer })],
      );
      await run.deliver(
        TaskFinished.create({
          source: "/mesh-six/orchestrator",
          data: {
            taskId: child.taskId,
            capability: "general-query",
            status: "succeeded",
            result: { answer },
            attempts: [],
          },
          extensions: { meshreplyto: definition.name },
        }),
      );
    };
    await finishChild(requests[1]!, "B");
    await finishChild(requests[0]!, "A");
    expect(run.result(taskId)).toBeUndefined();
    await finishChild(requests[2]!, "C");
    expect(run.result(taskId)?.data.result).toEqual([{ answer: "A" }, { answer: "B" }, { answer: "C" }]);
  });

  it("waits for an approval: the first decision counts, a second changes nothing", async () => {
    const definition = agent(async (_input, step) => {
      const outcome = await step.approval("delete", {
        action: "delete the payments database",
        risks: ["data loss"],
      });
      return outcome;
    });
    const run = functionUnderTest(db, definition);
    const taskId = await run.dispatch();
    const requested = run.ofType(ApprovalRequested)[0]!;
    const approvalId = (requested.data as { approvalId: string }).approvalId;
    expect((await listApprovals(db, { status: "pending" })).map((approval) => approval.id)).toContain(
      approvalId,
    );
    const decide = (decision: "approved" | "rejected", source: string) =>
      run.deliver(
        ApprovalDecided.create({ source, data: { approvalId, decision, reason: `${source} says so` } }),
      );
    await decide("rejected", "/people/ada");
    await decide("approved", "/people/mallory");
    expect(run.result(taskId)?.data.result).toMatchObject({
      approvalId,
      decision: "rejected",
      approved: false,
      decidedBy: "event from /people/ada",
      decidedVia: "event",
      timedOut: false,
    });
    const again = await decideApproval(db, approvalId, {
      decision: "approved",
      decidedBy: "api",
      decidedVia: "api",
      eventId: "x",
      at: 0,
    });
    expect(again.type).toBe("already");
  });

  it("takes the default decision at the deadline", async () => {
    const definition = agent(async (_input, step) =>
      step.approval("go", { action: "restart the cluster" }, { timeout: "PT2H", default: "approved" }),
    );
    const run = functionUnderTest(db, definition);
    const taskId = await run.dispatch();
    await run.clock.advance(2 * 3_600_000);
    await run.sweep();
    expect(run.result(taskId)?.data.result).toMatchObject({
      decision: "approved",
      decidedBy: "deadline",
      timedOut: true,
    });
  });

  it("cancels a waiting run: its task fails as cancelled and its approvals close", async () => {
    const definition = agent(async (_input, step) => step.approval("wait", { action: "anything" }));
    const run = functionUnderTest(db, definition);
    const taskId = await run.dispatch();
    const { id } = await runOf(taskId);
    await db.query("UPDATE runs SET cancel_requested_at = 1, cancel_requested_by = 'ada' WHERE id = $1", [
      id,
    ]);
    await run.sweep();
    expect(run.result(taskId)).toMatchObject({
      type: TaskFailed.type,
      data: { error: { type: "cancelled", message: "the run was cancelled by ada", retryable: false } },
    });
    expect((await listApprovals(db, { runId: id }))[0]).toMatchObject({ status: "cancelled" });
  });
});
