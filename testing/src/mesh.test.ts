import {
  ApprovalDecided,
  RunContinued,
  TaskDispatched,
  TaskFinished,
  TaskProgress,
  TaskRequested,
} from "@mesh-six/events";
import { defineFunction } from "@mesh-six/shared/function/define";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalsOf } from "./assert/approvals.ts";
import { eventsOf } from "./assert/events.ts";
import { stepsOf } from "./assert/runs.ts";
import { llmUsageOf } from "./assert/usage.ts";
import { createTestMesh, type TestMesh } from "./mesh.ts";
import { fanOut, stepper } from "./samples.ts";

/** Asks a person, then waits a minute before answering. */
const careful = defineFunction({
  name: "careful",
  description: "test: asks before it acts, then waits",
  capabilities: [{ name: "act-carefully", weight: 1 }],
  async run(input, step) {
    const decision = await step.approval("ask", { action: String(input.action) });
    await step.sleep("breathe", "PT1M");
    return { approved: decision.approved };
  },
});

/** Answers the general questions fan-out asks (general-agent's capability, without general-agent). */
const answerer = defineFunction({
  name: "answerer",
  description: "test: answers general questions with the LLM",
  capabilities: [{ name: "general-query", weight: 1 }],
  async run(input, step) {
    return { answer: (await step.llm("answer", { prompt: String(input.query) })).text };
  },
});

describe("createTestMesh: the embedded host with the platform functions, time moved by the test", () => {
  let mesh: TestMesh;
  beforeAll(async () => {
    mesh = await createTestMesh({ functions: [stepper, fanOut, answerer, careful] });
  });
  afterAll(() => mesh.stop());

  it("adds the orchestrator, dead-letter and gateway the functions need", () => {
    expect(mesh.host.functions.map((definition) => definition.name)).toEqual([
      "gateway",
      "orchestrator",
      "dead-letter",
      "stepper",
      "fan-out",
      "answerer",
      "careful",
    ]);
  });

  it("routes a task through the orchestrator to a run and returns it finished", async () => {
    const task = await mesh.task("step-chain", { word: "k" });
    expect(task).toMatchObject({ status: "succeeded", agentId: "stepper", result: { chain: "k-1-2-3" } });
    expect(await stepsOf(mesh.db, { taskId: task.id })).toHaveLength(4);
    expect(await llmUsageOf(mesh.db, { taskId: task.id })).toMatchObject([
      { step: "answer", agentId: "stepper" },
    ]);
    // every event the broker took, in order: requested, dispatched, the hops, finished
    const ofTask = mesh.events.filter((event) => (event.data as { taskId?: string }).taskId === task.id);
    expect(ofTask[0]?.type).toBe(TaskRequested.type);
    expect(ofTask[1]?.type).toBe(TaskDispatched.type);
    expect(ofTask.at(-1)?.type).toBe(TaskFinished.type);
    expect(eventsOf(mesh.events, TaskProgress, { taskId: task.id })).toHaveLength(4);
    expect(eventsOf(mesh.events, RunContinued).length).toBeGreaterThan(0);
  });

  it("fans out child tasks through the orchestrator", async () => {
    const task = await mesh.task("fan-out", { questions: ["1+1?", "2+2?"] });
    expect(task).toMatchObject({
      status: "succeeded",
      result: ["[offline model] 1+1 = 2", "[offline model] 2+2 = 4"],
    });
    expect((await stepsOf(mesh.db, { taskId: task.id })).map((step) => [step.name, step.kind])).toEqual([
      ["ask-0", "task"],
      ["ask-1", "task"],
    ]);
  });

  it("returns a waiting task as dispatched; decide and advance finish it", async () => {
    const task = await mesh.task("act-carefully", { action: "rotate the keys" }, { taskId: "careful-1" });
    expect(task).toMatchObject({ id: "careful-1", status: "dispatched" });
    const [approval] = await approvalsOf(mesh.db, { taskId: task.id });
    expect(approval).toMatchObject({ function: "careful", context: { action: "rotate the keys" } });
    await mesh.decide(approval!.id, { decision: "approved" });
    expect(eventsOf(mesh.events, ApprovalDecided, { approvalId: approval!.id })).toHaveLength(1);
    expect((await mesh.readTask(task.id)).status).toBe("dispatched");
    // the sleep's timer fires on the orchestrator's run sweep (a PingSource, every minute)
    await mesh.advance(2 * 60_000);
    expect(await mesh.readTask(task.id)).toMatchObject({ status: "succeeded", result: { approved: true } });
  });

  it("serves the gateway's API: json() encodes and parses, fetch() is the raw Response", async () => {
    const posted = await mesh.json<{ taskId: string }>("/tasks", {
      method: "POST",
      body: { capability: "step-chain", payload: { word: "api" } },
    });
    expect(posted.status).toBe(202);
    await mesh.settle();
    const shown = await mesh.json(`/tasks/${posted.body.taskId}`);
    expect(shown).toMatchObject({
      status: 200,
      body: { status: "succeeded", result: { chain: "api-1-2-3" } },
    });
    expect((await mesh.fetch("/healthz")).status).toBe(200);
    await expect(mesh.readTask("no-such-task")).rejects.toThrow(
      /no task no-such-task: request it with mesh\.task/,
    );
  });
});

describe("createTestMesh without the gateway", () => {
  it("leaves the API out when asked to", async () => {
    const mesh = await createTestMesh({ functions: [stepper], gateway: false });
    try {
      expect(mesh.host.functions.map((definition) => definition.name)).toEqual([
        "orchestrator",
        "dead-letter",
        "stepper",
      ]);
      expect((await mesh.fetch("/tasks")).status).toBe(404);
      expect(await mesh.task("step-chain", { word: "x" })).toMatchObject({ status: "succeeded" });
    } finally {
      await mesh.stop();
    }
  });
});
