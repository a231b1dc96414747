import {
  type MeshEvent,
  PingFired,
  pingSource,
  TaskCompleted,
  TaskDispatched,
  TaskFailed,
  TaskFinished,
  TaskRequested,
} from "@mesh-six/events";
import { defineFunction } from "@mesh-six/shared/function/define";
import type { Db } from "@mesh-six/shared/ports/db";
import { registerAgents } from "@mesh-six/shared/registry/agents";
import { readTask } from "@mesh-six/shared/registry/tasks";
import { createTestDb, type RuntimeUnderTest, runtimeUnderTest } from "@mesh-six/shared/runtime/test-fixture";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { orchestrator } from "./index.ts";

const deployer = (name: string, weight: number) =>
  defineFunction({ name, description: "test deployer", capabilities: [{ name: "deploy-service", weight }] });

describe("orchestrator", () => {
  let db: Db;
  let host: RuntimeUnderTest;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await db.exec(
      "DELETE FROM tasks; DELETE FROM agent_task_history; DELETE FROM routing_decisions; DELETE FROM agents;",
    );
    host = runtimeUnderTest(db, orchestrator);
    await registerAgents(
      db,
      [
        deployer("argocd-deployer", 0.9),
        deployer("kubectl-deployer", 0.7),
        defineFunction({
          name: "image-builder",
          description: "the only agent that builds images",
          capabilities: [{ name: "build-image", weight: 0.8 }],
        }),
      ],
      { now: host.clock.now() },
    );
  });

  const request = (data: Partial<Parameters<typeof TaskRequested.create>[0]["data"]> = {}, id?: string) =>
    TaskRequested.create({
      source: "/mesh-six/test",
      ...(id ? { id } : {}),
      data: { capability: "deploy-service", payload: { service: "api" }, ...data },
    });

  /** Delivers an event and returns what the orchestrator published for it. */
  async function deliver(event: MeshEvent): Promise<MeshEvent[]> {
    const before = host.published.length;
    expect(await host.deliver(event)).toEqual({ status: 200 });
    return host.published.slice(before);
  }

  const dispatchedOf = (events: MeshEvent[]) => {
    expect(events.map((event) => event.type)).toEqual([TaskDispatched.type]);
    const parsed = TaskDispatched.parse(events[0]!);
    if (!parsed.ok) throw new Error(parsed.error);
    return { event: events[0]!, data: parsed.data };
  };

  const finishedOf = (events: MeshEvent[]) => {
    expect(events.map((event) => event.type)).toEqual([TaskFinished.type]);
    const parsed = TaskFinished.parse(events[0]!);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.data;
  };

  const agentEvent = (
    dispatched: { taskId: string; agentId: string; attempt: number },
    outcome:
      | { result: unknown }
      | {
          error: {
            type: "api_error" | "rate_limited" | "permission" | "invalid_input";
            message: string;
            retryable: boolean;
          };
        },
    source = `/mesh-six/${dispatched.agentId}`,
  ) =>
    "result" in outcome
      ? TaskCompleted.create({ source, data: { ...dispatched, durationMs: 40, result: outcome.result } })
      : TaskFailed.create({ source, data: { ...dispatched, durationMs: 40, error: outcome.error } });

  const historyRows = async () =>
    (
      await db.query<{ agent_id: string; success: boolean; error_type: string | null; attempt: number }>(
        "SELECT agent_id, success, error_type, attempt FROM agent_task_history ORDER BY id",
      )
    ).rows;

  it("dispatches a request to the best-scored agent and records the decision with every score card", async () => {
    const requested = request({}, "task-best");
    const { event, data } = dispatchedOf(await deliver(requested));
    expect(event.meshagent).toBe("argocd-deployer");
    expect(event.subject).toBe("task-best");
    expect(data).toMatchObject({ taskId: "task-best", agentId: "argocd-deployer", attempt: 1, priority: 5 });
    expect(Date.parse(data.deadline)).toBe(host.clock.now() + 120_000);
    const { rows } = await db.query<{ chosen: string; reason: string; candidates: { cards: unknown[] } }>(
      "SELECT chosen, reason, candidates FROM routing_decisions WHERE task_id = 'task-best'",
    );
    expect(rows[0]).toMatchObject({ chosen: "argocd-deployer", reason: "score" });
    expect(rows[0]?.candidates.cards).toEqual([
      expect.objectContaining({
        agentId: "argocd-deployer",
        final: 0.9,
        rollingSuccessRate: 1,
        dependencyHealth: 1,
      }),
      expect.objectContaining({ agentId: "kubectl-deployer", final: 0.7 }),
    ]);
  });

  it("uses data.taskId as the task id, and a second request for the same task changes nothing", async () => {
    dispatchedOf(await deliver(request({ taskId: "named" })));
    expect(await deliver(request({ taskId: "named" }))).toEqual([]);
    expect((await readTask(db, "named"))?.attempt).toBe(1);
  });

  it("finishes on task.completed and records history once, however often the result arrives", async () => {
    const { data } = dispatchedOf(await deliver(request()));
    const completed = agentEvent(data, { result: { deployed: true } });
    const finished = finishedOf(await deliver(completed));
    expect(finished).toMatchObject({ taskId: data.taskId, status: "succeeded", result: { deployed: true } });
    expect(finished.attempts).toEqual([
      { agentId: "argocd-deployer", attempt: 1, success: true, durationMs: 40 },
    ]);
    expect(await deliver(completed)).toEqual([]);
    const resent = agentEvent(data, { result: { deployed: true } });
    expect(resent.id).not.toBe(completed.id);
    expect(await deliver(resent)).toEqual([]);
    expect(await historyRows()).toEqual([
      { agent_id: "argocd-deployer", success: true, error_type: null, attempt: 1 },
    ]);
    expect(await readTask(db, data.taskId)).toMatchObject({
      status: "succeeded",
      result: { deployed: true },
    });
  });

  it("re-scores without the failed agent, retries the last one when nobody else is left, then fails listing every attempt", async () => {
    const first = dispatchedOf(await deliver(request())).data;
    const failure = {
      error: { type: "api_error" as const, message: "ArgoCD answered 502", retryable: true },
    };
    const second = dispatchedOf(await deliver(agentEvent(first, failure))).data;
    expect(second).toMatchObject({ taskId: first.taskId, agentId: "kubectl-deployer", attempt: 2 });
    const third = dispatchedOf(await deliver(agentEvent(second, failure))).data;
    expect(third).toMatchObject({ agentId: "kubectl-deployer", attempt: 3 });
    const fourth = dispatchedOf(await deliver(agentEvent(third, failure))).data;
    expect(fourth).toMatchObject({ agentId: "kubectl-deployer", attempt: 4 });
    const finished = finishedOf(await deliver(agentEvent(fourth, failure)));
    expect(finished.status).toBe("failed");
    // the cause, not the routing outcome: the last attempt's error, with how many failed
    expect(finished.error).toEqual({
      type: "api_error",
      message:
        "all 4 attempts failed (same-agent retries: 2 of at most 2); the last, on kubectl-deployer: api_error: ArgoCD answered 502",
      retryable: true,
    });
    expect(
      finished.attempts.map((attempt) => [attempt.agentId, attempt.success, attempt.error?.type]),
    ).toEqual([
      ["argocd-deployer", false, "api_error"],
      ["kubectl-deployer", false, "api_error"],
      ["kubectl-deployer", false, "api_error"],
      ["kubectl-deployer", false, "api_error"],
    ]);
    expect((await historyRows()).map((row) => [row.agent_id, row.attempt])).toEqual([
      ["argocd-deployer", 1],
      ["kubectl-deployer", 2],
      ["kubectl-deployer", 3],
      ["kubectl-deployer", 4],
    ]);
    const { rows } = await db.query<{ attempt: number; chosen: string; reason: string }>(
      "SELECT attempt, chosen, reason FROM routing_decisions WHERE task_id = $1 ORDER BY attempt",
      [first.taskId],
    );
    expect(rows).toEqual([
      { attempt: 1, chosen: "argocd-deployer", reason: "score" },
      { attempt: 2, chosen: "kubectl-deployer", reason: "score" },
      { attempt: 3, chosen: "kubectl-deployer", reason: "retry" },
      { attempt: 4, chosen: "kubectl-deployer", reason: "retry" },
      { attempt: 5, chosen: null, reason: "none" },
    ]);
  });

  it("gives the only agent of a capability its task again after a rate limit, and the retry can succeed", async () => {
    const first = dispatchedOf(await deliver(request({ capability: "build-image" }))).data;
    expect(first.agentId).toBe("image-builder");
    const limited = {
      error: { type: "rate_limited" as const, message: "429 from the LLM", retryable: true },
    };
    const second = dispatchedOf(await deliver(agentEvent(first, limited))).data;
    expect(second).toMatchObject({ agentId: "image-builder", attempt: 2 });
    const finished = finishedOf(await deliver(agentEvent(second, { result: { image: "api:1" } })));
    expect(finished).toMatchObject({ status: "succeeded", result: { image: "api:1" } });
    expect(finished.attempts.map((attempt) => [attempt.attempt, attempt.success])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect((await readTask(db, first.taskId))?.attempts.map((attempt) => attempt.reason)).toEqual([
      "score",
      "retry",
    ]);
  });

  it("does not retry an agent whose failure is not passing", async () => {
    const first = dispatchedOf(await deliver(request({ capability: "build-image" }))).data;
    const refused = {
      error: { type: "permission" as const, message: "the registry refused the token", retryable: false },
    };
    const finished = finishedOf(await deliver(agentEvent(first, refused)));
    expect(finished).toMatchObject({
      status: "failed",
      error: {
        type: "permission",
        message: "the only attempt failed, on image-builder: permission: the registry refused the token",
        retryable: false,
      },
    });
    expect(finished.attempts).toHaveLength(1);
  });

  it("still routes to the only agent of a capability when its history alone holds it at 0", async () => {
    for (let attempt = 1; attempt <= 20; attempt += 1) {
      await db.query(
        `INSERT INTO agent_task_history (agent_id, capability, success, error_type, created_at, task_id, attempt)
         VALUES ('image-builder', 'build-image', false, 'rate_limited', now(), 'old-task', $1)`,
        [attempt],
      );
    }
    const { event, data } = dispatchedOf(
      await deliver(request({ capability: "build-image" }, "after-burst")),
    );
    expect(event.meshagent).toBe("image-builder");
    expect(data.attempt).toBe(1);
    const { rows } = await db.query<{ reason: string; candidates: { cards: { final: number }[] } }>(
      "SELECT reason, candidates FROM routing_decisions WHERE task_id = 'after-burst'",
    );
    expect(rows[0]?.reason).toBe("probe");
    expect(rows[0]?.candidates.cards[0]?.final).toBe(0);
  });

  it("fails at once on input the agent rejects as invalid", async () => {
    const first = dispatchedOf(await deliver(request())).data;
    const finished = finishedOf(
      await deliver(
        agentEvent(first, { error: { type: "invalid_input", message: "no image", retryable: false } }),
      ),
    );
    expect(finished.error).toMatchObject({
      type: "invalid_input",
      message: "argocd-deployer rejected the input: no image",
    });
    expect(finished.attempts).toHaveLength(1);
  });

  it("fails a capability nobody offers at once, naming the ones on offer", async () => {
    const finished = finishedOf(await deliver(request({ capability: "make-coffee" })));
    expect(finished).toMatchObject({ status: "failed", attempts: [] });
    expect(finished.error?.message).toBe(
      'no agent offers the capability "make-coffee"; capabilities on offer: build-image, deploy-service',
    );
  });

  it("treats an attempt past its deadline as a timeout on the scheduled sweep and moves the task on", async () => {
    const first = dispatchedOf(await deliver(request({ timeout: 30 }))).data;
    const ping = (at: number) =>
      PingFired.create({
        source: pingSource("mesh-six", "orchestrator-timeouts"),
        id: `ping-${at}`,
        time: new Date(at).toISOString(),
        data: null,
      });
    await host.clock.advance(29_000);
    expect(await deliver(ping(host.clock.now()))).toEqual([]);
    await host.clock.advance(1_000);
    const second = dispatchedOf(await deliver(ping(host.clock.now()))).data;
    expect(second).toMatchObject({ agentId: "kubectl-deployer", attempt: 2 });
    expect(await historyRows()).toEqual([
      { agent_id: "argocd-deployer", success: false, error_type: "timeout", attempt: 1 },
    ]);
    // the late result of the timed-out attempt changes nothing
    expect(await deliver(agentEvent(first, { result: "late" }))).toEqual([]);
    const finished = finishedOf(await deliver(agentEvent(second, { result: "on time" })));
    expect(
      finished.attempts.map((attempt) => [attempt.agentId, attempt.success, attempt.error?.type]),
    ).toEqual([
      ["argocd-deployer", false, "timeout"],
      ["kubectl-deployer", true, undefined],
    ]);
  });
});
