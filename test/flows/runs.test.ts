import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commands } from "@mesh-six/cli/mesh";
import { runMesh } from "@mesh-six/cli/run";
import { createTestIo } from "@mesh-six/cli/testing/io";
import { defineEvent } from "@mesh-six/events";
import { fleet } from "@mesh-six/fleet";
import { createSteppingClock } from "@mesh-six/shared/broker/stepping-clock";
import { defineFunction } from "@mesh-six/shared/function/define";
import { approvalsOf, createTestMesh, fanOut, stepper, stepsOf, type TestMesh } from "@mesh-six/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

const Shipped = defineEvent("dev.meshsix.test.shipped", {
  description: "test: a run waits for it",
  fromOutside: true,
  schema: z.object({ order: z.string() }),
});

/** Sleeps a minute, then waits for the order to ship (an event that may come first). */
const waiter = defineFunction({
  name: "waiter",
  description: "test: waits for an event",
  capabilities: [{ name: "wait-for-shipping", weight: 1 }],
  waitsFor: [Shipped],
  async run(input, step) {
    await step.sleep("settle", "PT1M");
    const shipped = await step.waitFor("shipped", {
      event: Shipped,
      match: { order: input.order },
      timeout: "PT10M",
    });
    return shipped ? `shipped ${shipped.data?.order}` : "never shipped";
  },
});

let reorder = false;
/** Changes the order of its steps when the test says so: the next hop must notice. */
const mover = defineFunction({
  name: "mover",
  description: "test: its steps move under a running run",
  capabilities: [{ name: "move", weight: 1 }],
  async run(_input, step) {
    if (!reorder) await step.do("first", () => 1);
    await step.sleep("nap", "PT1M");
    await step.do("second", () => 2);
    return "done";
  },
});

const functions = [...fleet, fanOut, stepper, waiter, mover];

// biome-ignore lint/suspicious/noExplicitAny: a JSON body the test reads field by field
type Body = Record<string, any>;

/** Starts a task through the API (POST /tasks), as a client would, and waits until nothing moves. */
async function postTask(mesh: TestMesh, capability: string, payload: Record<string, unknown>) {
  const { status, body } = await mesh.json<Body>("/tasks", { method: "POST", body: { capability, payload } });
  expect(status).toBe(202);
  await mesh.settle();
  return body.taskId as string;
}

/** The one pending approval of a task. */
async function pendingApproval(mesh: TestMesh, taskId: string) {
  const [approval, ...others] = await approvalsOf(mesh.db, { taskId });
  if (!approval || others.length > 0) throw new Error(`task ${taskId} should have one pending approval`);
  return approval;
}

describe("durable runs on the embedded host", () => {
  let mesh: TestMesh;
  beforeAll(async () => {
    mesh = await createTestMesh({ functions });
  });
  afterAll(() => mesh.stop());

  it("answers a task as a run: GET /tasks/:id names the run, GET /runs/:id shows its steps", async () => {
    const taskId = await postTask(mesh, "general-query", { query: "What is 6+7?" });
    const task = await mesh.json<Body>(`/tasks/${taskId}`);
    expect(task.body).toMatchObject({ status: "succeeded", result: { answer: "[offline model] 6+7 = 13" } });
    const runId = task.body.runId as string;
    const run = await mesh.json<Body>(`/runs/${runId}`);
    expect(run.body).toMatchObject({
      id: runId,
      function: "general-agent",
      status: "succeeded",
      taskId,
      input: { query: "What is 6+7?" },
      output: { answer: "[offline model] 6+7 = 13" },
    });
    expect(
      (run.body.steps as { name: string; status: string; attempts: number }[]).map((step) => [
        step.name,
        step.status,
        step.attempts,
      ]),
    ).toEqual([
      ["recall", "succeeded", 1],
      ["turn", "succeeded", 1],
      ["learn", "succeeded", 1],
    ]);
    expect(run.body.steps[1].usage).toMatchObject({ model: "mesh-six-offline", calls: 1 });
    const listed = await mesh.json<Body>(`/runs?taskId=${taskId}`);
    expect(listed.body.runs).toHaveLength(1);
  });

  it("runs a chain of steps one hop each through the broker", async () => {
    const taskId = await postTask(mesh, "step-chain", { word: "w" });
    const task = await mesh.json<Body>(`/tasks/${taskId}`);
    expect(task.body).toMatchObject({
      status: "succeeded",
      result: { chain: "w-1-2-3", answer: "[offline model] 2+2 = 4" },
    });
    expect((await mesh.json<Body>(`/runs/${task.body.runId}`)).body).toMatchObject({
      steps: expect.any(Array),
      hops: 5,
    });
  });

  it("fans out three child tasks through the orchestrator and joins them", async () => {
    const taskId = await postTask(mesh, "fan-out", { questions: ["1+1?", "2+2?", "3+3?"] });
    const task = await mesh.json<Body>(`/tasks/${taskId}`);
    expect(task.body).toMatchObject({
      status: "succeeded",
      result: ["[offline model] 1+1 = 2", "[offline model] 2+2 = 4", "[offline model] 3+3 = 6"],
    });
    expect((await stepsOf(mesh.db, { taskId })).map((step) => step.kind)).toEqual(["task", "task", "task"]);
  });

  it("resumes a wait with an event that arrived before the wait existed, through the ingress", async () => {
    const taskId = await postTask(mesh, "wait-for-shipping", { order: "A-17" });
    const ingress = await mesh.fetch("/mesh-six/default", {
      method: "POST",
      headers: {
        "ce-specversion": "1.0",
        "ce-type": Shipped.type,
        "ce-source": "/warehouse",
        "ce-id": "ship-A-17",
        "content-type": "application/json",
      },
      body: JSON.stringify({ order: "A-17" }),
    });
    expect(ingress.status).toBe(202);
    await mesh.settle();
    expect((await mesh.readTask(taskId)).status).toBe("dispatched");
    await mesh.advance(2 * 60_000);
    expect((await mesh.readTask(taskId)).result).toBe("shipped A-17");
  });

  it("a wait that times out resumes with null", async () => {
    const taskId = await postTask(mesh, "wait-for-shipping", { order: "never" });
    await mesh.advance(12 * 60_000);
    expect((await mesh.readTask(taskId)).result).toBe("never shipped");
  });

  it("waits for a person on a human-approval task, resumes on the API's decision, refuses a second", async () => {
    const taskId = await postTask(mesh, "human-approval", {
      action: "drop the staging database",
      risks: ["data loss"],
      suggestedDecision: "rejected",
    });
    expect((await mesh.readTask(taskId)).status).toBe("dispatched");
    const approval = await pendingApproval(mesh, taskId);
    expect(approval).toMatchObject({
      kind: "approval",
      function: "humans",
      context: { action: "drop the staging database" },
    });
    const listed = await mesh.json<Body>("/approvals?status=pending");
    expect(listed.body.approvals.map((entry: { id: string }) => entry.id)).toContain(approval.id);
    await mesh.advance(3_600_000);
    expect((await mesh.readTask(taskId)).status).toBe("dispatched");
    const decided = await mesh.json<Body>(`/approvals/${approval.id}/decision`, {
      method: "POST",
      body: { decision: "approved", reason: "staging only" },
    });
    expect(decided.status).toBe(200);
    await mesh.settle();
    expect((await mesh.readTask(taskId)).result).toMatchObject({
      decision: "approved",
      approved: true,
      reason: "staging only",
      decidedVia: "api",
    });
    const again = await mesh.json<Body>(`/approvals/${approval.id}/decision`, {
      method: "POST",
      body: { decision: "rejected" },
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toContain("only the first decision counts");
    expect((await mesh.json<Body>(`/approvals/${approval.id}`)).body.approval).toMatchObject({
      status: "approved",
    });
  });

  it("resumes on a decision sent as kn event send would, recording its sender", async () => {
    const taskId = await postTask(mesh, "human-approval", { action: "rotate the keys" });
    const approval = await pendingApproval(mesh, taskId);
    // kn event send --type dev.meshsix.approval.decided --field approvalId=… --field decision=rejected --field reason=…
    const response = await mesh.fetch("/mesh-six/default", {
      method: "POST",
      headers: {
        "ce-specversion": "1.0",
        "ce-type": "dev.meshsix.approval.decided",
        "ce-source": "kn-event/v1.16.0",
        "ce-id": "decision-1",
        "content-type": "application/json",
      },
      body: JSON.stringify({ approvalId: approval.id, decision: "rejected", reason: "not today" }),
    });
    expect(response.status).toBe(202);
    await mesh.settle();
    expect((await mesh.readTask(taskId)).result).toMatchObject({
      decision: "rejected",
      decidedBy: "event from kn-event/v1.16.0",
      decidedVia: "event",
      reason: "not today",
    });
  });

  it("resumes on a decision made with mesh approvals approve", async () => {
    const taskId = await postTask(mesh, "human-approval", { action: "scale to zero" });
    const approval = await pendingApproval(mesh, taskId);
    const io = {
      ...createTestIo({ env: { MESH_URL: "http://mesh.test" } }),
      fetch: async (input: string | URL | Request, init?: RequestInit) =>
        mesh.host.fetch(new Request(input, init)),
    };
    expect(await runMesh(["approvals", "list"], commands, io)).toBe(0);
    expect(io.stdoutText()).toContain("scale to zero");
    expect(await runMesh(["approvals", "approve", approval.id, "--reason", "fine"], commands, io)).toBe(0);
    await mesh.settle();
    expect((await mesh.readTask(taskId)).result).toMatchObject({ decision: "approved", reason: "fine" });
    expect(
      await runMesh(["runs", "show", (await mesh.json<Body>(`/tasks/${taskId}`)).body.runId], commands, io),
    ).toBe(0);
    expect(io.stdoutText()).toMatch(/decision\s+approval\s+succeeded/);
  });

  it("takes the default decision at the deadline", async () => {
    const taskId = await postTask(mesh, "human-approval", {
      action: "renew the certificate",
      timeout: "PT30M",
      default: "approved",
    });
    await mesh.advance(31 * 60_000);
    expect((await mesh.readTask(taskId)).result).toMatchObject({
      decision: "approved",
      timedOut: true,
      decidedBy: "deadline",
    });
  });

  it("answers a human-input task with the person's answer", async () => {
    const taskId = await postTask(mesh, "human-input", { question: "Which region?" });
    const approval = await pendingApproval(mesh, taskId);
    const refused = await mesh.json<Body>(`/approvals/${approval.id}/decision`, {
      method: "POST",
      body: { decision: "approved" },
    });
    expect(refused.status).toBe(400);
    await mesh.json<Body>(`/approvals/${approval.id}/decision`, {
      method: "POST",
      body: { answer: "eu-west-1" },
    });
    await mesh.settle();
    expect((await mesh.readTask(taskId)).result).toMatchObject({ answer: "eu-west-1", timedOut: false });
  });

  it("fails a run whose steps moved under it, naming the step", async () => {
    reorder = false;
    const taskId = await postTask(mesh, "move", {});
    reorder = true;
    await mesh.advance(2 * 60_000);
    const task = await mesh.readTask(taskId);
    expect(task.status).toBe("failed");
    expect(task.error?.message).toContain('step "nap" moved');
  });

  it("cancels a waiting run: its task fails as cancelled", async () => {
    const taskId = await postTask(mesh, "human-approval", { action: "wait forever" });
    const runId = (await mesh.json<Body>(`/tasks/${taskId}`)).body.runId as string;
    const cancelled = await mesh.json<Body>(`/runs/${runId}/cancel`, { method: "POST" });
    expect(cancelled).toMatchObject({ status: 202, body: { run: { status: "cancelling" } } });
    await mesh.settle();
    expect(await mesh.readTask(taskId)).toMatchObject({ status: "failed", error: { type: "cancelled" } });
    expect((await mesh.json<Body>(`/runs/${runId}`)).body).toMatchObject({ status: "cancelled" });
    expect((await mesh.json<Body>(`/runs/${runId}/cancel`, { method: "POST" })).status).toBe(409);
  });
});

describe("a run waiting for a person across a restart", () => {
  const dir = mkdtempSync(join(tmpdir(), "mesh-runs-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("resumes hours later in a new process when the decision arrives", async () => {
    const clock = createSteppingClock();
    const env = { MESH_DATA_DIR: dir };
    const first = await createTestMesh({ functions: fleet, env, clock });
    const taskId = await postTask(first, "human-approval", { action: "migrate the cluster" });
    const approval = await pendingApproval(first, taskId);
    await first.stop();

    const later = createSteppingClock(clock.now() + 5 * 3_600_000);
    const second = await createTestMesh({ functions: fleet, env, clock: later });
    try {
      await second.json(`/approvals/${approval.id}/decision`, {
        method: "POST",
        body: { decision: "approved", reason: "after the maintenance window" },
      });
      await second.settle();
      const task = await second.json(`/tasks/${taskId}`);
      expect(task.body).toMatchObject({ status: "succeeded", result: { decision: "approved" } });
    } finally {
      await second.stop();
    }
  });
});
