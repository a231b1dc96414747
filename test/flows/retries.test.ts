import { TaskCompleted, TaskFinished } from "@mesh-six/events";
import { orchestrator } from "@mesh-six/function-orchestrator";
import { readMeshEvents } from "@mesh-six/shared/log/event-log";
import { createTestMesh, dataOf, type TestMesh } from "@mesh-six/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { agentControl, testAgent } from "./support/deployers.ts";

/** Failure, re-scoring, timeouts and redelivery, all through the broker and the real orchestrator. */
describe("retries, re-scoring and timeouts through events", () => {
  const primary = agentControl();
  const backup = agentControl();
  let mesh: TestMesh;
  beforeAll(async () => {
    mesh = await createTestMesh({
      functions: [
        orchestrator,
        testAgent("primary-builder", { capability: "build-image", weight: 0.9 }, primary),
        testAgent("backup-builder", { capability: "build-image", weight: 0.6 }, backup),
      ],
    });
  });
  afterAll(() => mesh.stop());
  beforeEach(async () => {
    primary.behaviour = "succeed";
    backup.behaviour = "succeed";
    primary.next = [];
    backup.next = [];
    // each case starts from a clean record, so primary-builder (0.9) leads
    await mesh.host.db.query("DELETE FROM agent_task_history");
  });

  const history = async (taskId: string) =>
    (
      await mesh.host.db.query<{ agent_id: string; success: boolean; error_type: string | null }>(
        "SELECT agent_id, success, error_type FROM agent_task_history WHERE task_id = $1 ORDER BY attempt",
        [taskId],
      )
    ).rows;

  const finishedEvents = async (taskId: string) =>
    (await readMeshEvents(mesh.host.db, { eventType: TaskFinished.type, limit: 1000 })).filter(
      (row) => row.subject === taskId,
    );

  it("re-routes a failed attempt to the next agent without the one that failed", async () => {
    primary.behaviour = "fail";
    const task = await mesh.task("build-image", { image: "api" }, { taskId: "retry-1" });
    expect(task.status).toBe("succeeded");
    expect(task.result).toEqual({ deployedBy: "backup-builder" });
    expect(task.attempts.map((attempt) => [attempt.agentId, attempt.success, attempt.error?.type])).toEqual([
      ["primary-builder", false, "api_error"],
      ["backup-builder", true, undefined],
    ]);
    expect(await history("retry-1")).toEqual([
      { agent_id: "primary-builder", success: false, error_type: "api_error" },
      { agent_id: "backup-builder", success: true, error_type: null },
    ]);
    expect(await finishedEvents("retry-1")).toHaveLength(1);
  });

  it("retries the last agent twice when every agent has failed it, then fails listing every attempt", async () => {
    primary.behaviour = "fail";
    backup.behaviour = "fail";
    const task = await mesh.task("build-image", {}, { taskId: "retry-2" });
    expect(task.status).toBe("failed");
    expect(task.error?.type).toBe("api_error");
    expect(task.error?.message).toMatch(
      /^all 4 attempts failed \(same-agent retries: 2 of at most 2\); the last, on backup-builder: api_error: /,
    );
    expect(task.attempts.map((attempt) => [attempt.agentId, attempt.reason])).toEqual([
      ["primary-builder", "score"],
      ["backup-builder", "score"],
      ["backup-builder", "retry"],
      ["backup-builder", "retry"],
    ]);
    const [finished] = await finishedEvents("retry-2");
    expect(dataOf(finished)).toMatchObject({
      status: "failed",
      attempts: [
        { agentId: "primary-builder" },
        { agentId: "backup-builder" },
        { agentId: "backup-builder" },
        { agentId: "backup-builder" },
      ],
    });
  });

  it("succeeds when a same-agent retry gets through", async () => {
    primary.behaviour = "fail";
    // the backup fails its first attempt and succeeds on the retry
    backup.next = ["fail"];
    const task = await mesh.task("build-image", {}, { taskId: "retry-4" });
    expect(task.status).toBe("succeeded");
    expect(task.attempts.map((attempt) => [attempt.agentId, attempt.reason, attempt.success])).toEqual([
      ["primary-builder", "score", false],
      ["backup-builder", "score", false],
      ["backup-builder", "retry", true],
    ]);
  });

  it("fails a capability nobody offers at once, with a clear error", async () => {
    const task = await mesh.task("paint-fence", {}, { taskId: "retry-3" });
    expect(task).toMatchObject({ status: "failed", attempts: [] });
    expect(task.error?.message).toBe(
      'no agent offers the capability "paint-fence"; capabilities on offer: build-image',
    );
  });

  it("times out an attempt nobody answers on the scheduled sweep and dispatches it again", async () => {
    primary.behaviour = "ignore";
    const waiting = await mesh.task("build-image", {}, { taskId: "timeout-1", timeout: 30 });
    expect(waiting).toMatchObject({ status: "dispatched", agentId: "primary-builder", attempt: 1 });
    // the sweep runs every minute (a PingSource); one minute on, the attempt is past its deadline
    await mesh.advance(60_000);
    const task = await mesh.readTask("timeout-1");
    expect(task.status).toBe("succeeded");
    expect(task.attempts.map((attempt) => [attempt.agentId, attempt.error?.type])).toEqual([
      ["primary-builder", "timeout"],
      ["backup-builder", undefined],
    ]);
    expect(await history("timeout-1")).toEqual([
      { agent_id: "primary-builder", success: false, error_type: "timeout" },
      { agent_id: "backup-builder", success: true, error_type: null },
    ]);
  });

  it("records a redelivered or re-sent task.completed once, and finishes the task once", async () => {
    primary.behaviour = "ignore";
    await mesh.task("build-image", {}, { taskId: "redeliver-1" });
    const completed = TaskCompleted.create({
      source: "/mesh-six/primary-builder",
      data: {
        taskId: "redeliver-1",
        agentId: "primary-builder",
        attempt: 1,
        durationMs: 12,
        result: { ok: 1 },
      },
    });
    await mesh.publish(completed);
    await mesh.publish(completed);
    await mesh.publish(
      TaskCompleted.create({
        source: "/mesh-six/primary-builder",
        data: {
          taskId: "redeliver-1",
          agentId: "primary-builder",
          attempt: 1,
          durationMs: 12,
          result: { ok: 2 },
        },
      }),
    );
    expect(await history("redeliver-1")).toEqual([
      { agent_id: "primary-builder", success: true, error_type: null },
    ]);
    expect((await mesh.readTask("redeliver-1")).result).toEqual({ ok: 1 });
    expect(await finishedEvents("redeliver-1")).toHaveLength(1);
  });
});
