import { fleet } from "@mesh-six/fleet";
import { agentCard, defineAgent, tool } from "@mesh-six/shared/agent";
import { createTestMesh, deployPlanner, restarts, type TestMesh } from "@mesh-six/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";

/** Never finishes: the model keeps calling `again` (the offline model calls what the message names). */
const looper = defineAgent({
  name: "looper",
  description: "test: calls a tool on every turn",
  capabilities: [{ name: "loop", weight: 1 }],
  input: z.object({ query: z.string() }),
  instructions: "Call the again tool.",
  tools: { again: tool({ description: "does nothing", input: z.object({}), run: () => ({ done: false }) }) },
  maxSteps: 1,
});

async function json(mesh: TestMesh, path: string, init?: RequestInit) {
  const response = await mesh.host.fetch(
    new Request(`http://mesh.test${path}`, {
      ...init,
      ...(init?.body ? { headers: { "content-type": "application/json" } } : {}),
    }),
  );
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body the test reads field by field
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe("agents made with defineAgent, offline, on the embedded host", () => {
  let mesh: TestMesh;
  beforeAll(async () => {
    mesh = await createTestMesh({ functions: [...fleet, deployPlanner, looper] });
  });
  afterAll(() => mesh.stop());
  beforeEach(() => {
    restarts.length = 0;
  });

  const post = async (capability: string, payload: Record<string, unknown>) => {
    const { body } = await json(mesh, "/tasks", {
      method: "POST",
      body: JSON.stringify({ capability, payload }),
    });
    await mesh.settle();
    return body.taskId as string;
  };
  const runOf = async (taskId: string) =>
    (await json(mesh, `/runs/${(await json(mesh, `/tasks/${taskId}`)).body.runId}`)).body;
  const approvalOf = async (taskId: string) => {
    const { body } = await json(mesh, "/approvals?status=pending");
    return (body.approvals as { id: string; taskId: string; context: Record<string, unknown> }[]).find(
      (approval) => approval.taskId === taskId,
    );
  };

  it("fails a bad payload at once as invalid_input, naming the field, with no LLM call", async () => {
    const taskId = await post("plan-deploy", { query: "plan it" });
    const task = await mesh.readTask(taskId);
    expect(task).toMatchObject({ status: "failed", error: { type: "invalid_input" } });
    expect(task.error?.message).toContain("payload.service");
    expect(task.attempts).toHaveLength(1);
    const { rows } = await mesh.host.db.query("SELECT 1 FROM llm_usage WHERE task_id = $1", [taskId]);
    expect(rows).toEqual([]);
  });

  it("calls both tools, waits for a person before the one that needs approval, runs it once approved, answers the schema", async () => {
    const taskId = await post("plan-deploy", {
      service: "shop",
      query: "Check the status of service=shop, then restart it",
    });
    expect((await mesh.readTask(taskId)).status).toBe("dispatched");
    const approval = await approvalOf(taskId);
    expect(approval?.context).toMatchObject({
      action: "call the tool restart",
      details: { tool: "restart", arguments: { service: "shop" } },
    });
    expect(restarts).toEqual([]);
    await json(mesh, `/approvals/${approval?.id}/decision`, {
      method: "POST",
      body: JSON.stringify({ decision: "approved", reason: "off-peak" }),
    });
    await mesh.settle();
    const task = await mesh.readTask(taskId);
    expect(task.status).toBe("succeeded");
    expect(DeployPlanOk(task.result)).toBe(true);
    expect(restarts).toEqual(["shop"]);
    const run = await runOf(taskId);
    expect(
      (run.steps as { name: string; status: string }[]).map((step) => `${step.name}:${step.status}`),
    ).toEqual([
      "turn:succeeded",
      "tool status:succeeded",
      "approve restart:succeeded",
      "tool restart:succeeded",
      "turn#2:succeeded",
    ]);
    // every LLM call of the loop is in llm_usage, with the run, the step and the tier's model
    const { rows } = await mesh.host.db.query<{ step: string; model: string; run_id: string }>(
      "SELECT step, model, run_id FROM llm_usage WHERE task_id = $1 ORDER BY id",
      [taskId],
    );
    expect(rows.map((row) => row.step)).toEqual(["turn", "turn#2"]);
    expect(rows.every((row) => row.run_id === run.id && row.model === "mesh-six-offline")).toBe(true);
  });

  it("never runs a tool whose call a person rejected, and tells the model so", async () => {
    const taskId = await post("plan-deploy", { service: "db", query: "restart service=db now" });
    const approval = await approvalOf(taskId);
    await json(mesh, `/approvals/${approval?.id}/decision`, {
      method: "POST",
      body: JSON.stringify({ decision: "rejected", reason: "peak hours" }),
    });
    await mesh.settle();
    const task = await mesh.readTask(taskId);
    expect(task.status).toBe("succeeded");
    expect(restarts).toEqual([]);
    const run = await runOf(taskId);
    expect((run.steps as { name: string }[]).map((step) => step.name)).toEqual([
      "turn",
      "approve restart",
      "turn#2",
    ]);
    expect(JSON.stringify(run.steps[2])).toContain("a person rejected this call: peak hours");
  });

  it("stops at maxSteps with a clear error", async () => {
    const taskId = await post("loop", { query: "call again" });
    const task = await mesh.readTask(taskId);
    expect(task).toMatchObject({ status: "failed" });
    expect(task.error?.message).toContain("looper took 1 LLM turns (its maxSteps) without a final answer");
  });

  it("describes itself: an agent card with a skill per capability and the input and output schemas", () => {
    const card = agentCard(deployPlanner);
    expect(card).toMatchObject({
      name: "deploy-planner",
      defaultOutputModes: ["application/json"],
      skills: [{ id: "plan-deploy", inputSchema: { type: "object", required: ["service", "query"] } }],
    });
    expect(card.skills[0]?.outputSchema).toMatchObject({
      properties: { risk: { enum: ["low", "medium", "high"] } },
    });
    expect(deployPlanner.agent.tools).toEqual([
      { name: "status", description: "the service's health and version", needsApproval: false },
      { name: "restart", description: "restarts the service (a person approves first)", needsApproval: true },
    ]);
  });
});

function DeployPlanOk(result: unknown): boolean {
  return z
    .object({
      summary: z.string().startsWith("[offline model]"),
      risk: z.literal("low"),
      steps: z.array(z.string()),
    })
    .safeParse(result).success;
}
