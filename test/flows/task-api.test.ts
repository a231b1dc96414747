import { gateway } from "@mesh-six/function-gateway";
import { generalAgent } from "@mesh-six/function-general-agent";
import { orchestrator } from "@mesh-six/function-orchestrator";
import { readMeshEvents } from "@mesh-six/shared/log/event-log";
import { createTestMesh, type TestMesh } from "@mesh-six/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** A person asks, the orchestrator routes, general-agent answers: over the gateway's task API and the broker ingress. */
describe("asking the fleet (offline model)", () => {
  let mesh: TestMesh;
  beforeAll(async () => {
    mesh = await createTestMesh({ functions: [orchestrator, gateway, generalAgent] });
  });
  afterAll(() => mesh.stop());

  const call = (path: string, init?: RequestInit) =>
    mesh.host.fetch(new Request(`http://mesh.test${path}`, init));

  async function taskView(taskId: string) {
    const response = await call(`/tasks/${taskId}`);
    expect(response.status).toBe(200);
    return (await response.json()) as {
      status: string;
      result: { answer: string; model: string; offline: boolean };
      attempts: { agentId: string; success: boolean }[];
    };
  }

  it("answers POST /tasks through the orchestrator and general-agent, and records the LLM call", async () => {
    const response = await call("/tasks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ capability: "general-query", payload: { query: "What is 2+2?" } }),
    });
    expect(response.status).toBe(202);
    const { taskId } = (await response.json()) as { taskId: string };
    // readable at once, before the orchestrator has had the event
    const early = await call(`/tasks/${taskId}`);
    expect(early.status).toBe(200);
    expect(((await early.json()) as { id: string }).id).toBe(taskId);
    await mesh.settle();
    const task = await taskView(taskId);
    expect(task).toMatchObject({
      status: "succeeded",
      result: { answer: "[offline model] 2+2 = 4", model: "mesh-six-offline", offline: true },
      attempts: [{ agentId: "general-agent", success: true }],
    });
    const { rows } = await mesh.host.db.query(
      "SELECT model, agent_id, capability, outcome FROM llm_usage WHERE task_id = $1",
      [taskId],
    );
    expect(rows).toEqual([
      { model: "mesh-six-offline", agent_id: "general-agent", capability: "general-query", outcome: "ok" },
    ]);
    const calls = (await readMeshEvents(mesh.host.db, { kind: "llm.call", limit: 1000 })).filter(
      (row) => row.subject === taskId,
    );
    expect(calls).toHaveLength(1);
  });

  it("starts a task from a task.requested CloudEvent posted to the ingress, as kn event send does", async () => {
    const eventId = "kn-event-0001";
    const response = await call("/mesh-six/default", {
      method: "POST",
      headers: {
        "ce-specversion": "1.0",
        "ce-id": eventId,
        "ce-source": "kn-event/v1.17.0",
        "ce-type": "dev.meshsix.task.requested",
        "content-type": "application/json",
      },
      body: JSON.stringify({ capability: "general-query", payload: { query: "What is 6*7?" } }),
    });
    expect(response.status).toBe(202);
    await mesh.settle();
    expect(await taskView(eventId)).toMatchObject({
      status: "succeeded",
      result: { answer: "[offline model] 6*7 = 42" },
    });
  });

  it("fails a question without a query as invalid input, without trying elsewhere", async () => {
    const response = await call("/tasks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ capability: "general-query", payload: { question: "typo" } }),
    });
    const { taskId } = (await response.json()) as { taskId: string };
    await mesh.settle();
    const task = (await (await call(`/tasks/${taskId}`)).json()) as {
      status: string;
      error: { type: string; message: string };
    };
    expect(task.status).toBe("failed");
    expect(task.error.type).toBe("invalid_input");
    expect(task.error.message).toContain('payload.query: is missing: send the question as {"query": "…"}');
  });

  it("shows general-agent in the registry and its score card", async () => {
    const agents = (await (await call("/agents")).json()) as { agents: { name: string }[] };
    expect(agents.agents.map((agent) => agent.name)).toEqual(["general-agent"]);
    const scores = (await (await call("/agents/score/general-query")).json()) as {
      leader: string;
      cards: { agentId: string; weight: number; samples: number }[];
    };
    expect(scores.leader).toBe("general-agent");
    expect(scores.cards[0]).toMatchObject({ agentId: "general-agent", weight: 0.8 });
    expect(scores.cards[0]?.samples).toBeGreaterThanOrEqual(2);
  });
});
