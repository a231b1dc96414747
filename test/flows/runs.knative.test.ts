import { randomUUID } from "node:crypto";
import { ApprovalDecided, TaskCompleted, TaskDispatched, TaskRequested } from "@mesh-six/events";
import { deadLetter } from "@mesh-six/function-dead-letter";
import { gateway } from "@mesh-six/function-gateway";
import { generalAgent } from "@mesh-six/function-general-agent";
import { humans } from "@mesh-six/function-humans";
import { orchestrator } from "@mesh-six/function-orchestrator";
import { traceOf } from "@mesh-six/shared/log/trace";
import { readTask } from "@mesh-six/shared/registry/tasks";
import { deployPlanner, fanOut, restarts, stepper } from "@mesh-six/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KnativeMesh, startKnativeMesh } from "./support/knative-mesh.ts";

/**
 * Durable runs on the Knative host: every function a separate HTTP service
 * (createKnativeHost), every hop, child task and decision a binary-mode POST through a
 * broker reached over HTTP, follow-ups sent to K_SINK, signed with the mesh's key.
 */
describe("durable runs on the Knative host", () => {
  let mesh: KnativeMesh;
  beforeAll(async () => {
    mesh = await startKnativeMesh(
      [orchestrator, gateway, generalAgent, humans, stepper, fanOut, deployPlanner, deadLetter].map(
        (definition) => ({
          definition,
        }),
      ),
    );
  });
  afterAll(() => mesh.stop());

  const request = async (capability: string, payload: Record<string, unknown>) => {
    const taskId = randomUUID();
    await mesh.send(
      TaskRequested.create({ source: "/test/flows", id: taskId, data: { taskId, capability, payload } }),
    );
    return taskId;
  };
  const task = async (taskId: string) => {
    const found = await readTask(mesh.db, taskId);
    if (!found) throw new Error(`no task ${taskId}`);
    return found;
  };

  it("runs a chain of steps, one hop each, every hop a delivery to the function's service", async () => {
    const before = mesh.requestsTo("stepper").length;
    const taskId = randomUUID();
    const requested = TaskRequested.create({
      source: "/test/flows",
      id: taskId,
      data: { taskId, capability: "step-chain", payload: { word: "kn" } },
    });
    await mesh.send(requested);
    expect(await task(taskId)).toMatchObject({
      status: "succeeded",
      result: { chain: "kn-1-2-3", answer: "[offline model] 2+2 = 4" },
    });
    // the dispatch, then four run.continued
    expect(mesh.requestsTo("stepper").length - before).toBe(5);
    // the Knative broker keeps no event log: each host records what its sink accepted
    const { rows } = await mesh.db.query<{ event_type: string }>(
      "SELECT DISTINCT event_type FROM mesh_events WHERE kind = 'event.accepted' AND trace_id = $1",
      [traceOf(requested).traceId],
    );
    expect(rows.map((row) => row.event_type)).toEqual(
      expect.arrayContaining([TaskDispatched.type, TaskCompleted.type]),
    );
  });

  it("fans out three child tasks to general-agent and joins them", async () => {
    const taskId = await request("fan-out", { questions: ["2+5?", "3+5?", "4+5?"] });
    expect((await task(taskId)).result).toEqual([
      "[offline model] 2+5 = 7",
      "[offline model] 3+5 = 8",
      "[offline model] 4+5 = 9",
    ]);
  });

  it("waits for a person and resumes on the gateway's decision, and on a decision event", async () => {
    const first = await request("human-approval", { action: "delete the cache" });
    const second = await request("human-approval", { action: "rotate the keys" });
    const pending = (await (await fetch(`${mesh.url("gateway")}/approvals?status=pending`)).json()) as {
      approvals: { id: string; taskId: string }[];
    };
    const idOf = (taskId: string) => pending.approvals.find((approval) => approval.taskId === taskId)!.id;
    const decided = await fetch(`${mesh.url("gateway")}/approvals/${idOf(first)}/decision`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ decision: "approved" }),
    });
    expect(decided.status).toBe(200);
    await mesh.settle();
    expect((await task(first)).result).toMatchObject({ decision: "approved", decidedVia: "api" });

    await mesh.send(
      ApprovalDecided.create({
        source: "kn-event/v1.16.0",
        data: { approvalId: idOf(second), decision: "rejected", reason: "not now" },
      }),
    );
    expect((await task(second)).result).toMatchObject({ decision: "rejected", decidedVia: "event" });
  });

  it("runs an agent made with defineAgent: its tools, an approval, a structured answer", async () => {
    restarts.length = 0;
    const taskId = await request("plan-deploy", {
      service: "api",
      query: "status of service=api, then restart it",
    });
    const pending = (await (await fetch(`${mesh.url("gateway")}/approvals?status=pending`)).json()) as {
      approvals: { id: string; taskId: string }[];
    };
    const approval = pending.approvals.find((entry) => entry.taskId === taskId)!;
    await fetch(`${mesh.url("gateway")}/approvals/${approval.id}/decision`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ decision: "approved" }),
    });
    await mesh.settle();
    expect(await task(taskId)).toMatchObject({ status: "succeeded", result: { risk: "low" } });
    expect(restarts).toEqual(["api"]);
  });
});
