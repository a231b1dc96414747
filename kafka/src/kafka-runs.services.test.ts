import { randomUUID } from "node:crypto";
import { fleet } from "@mesh-six/fleet";
import { loadConfig } from "@mesh-six/shared/config/env";
import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import { type EmbeddedHost, startEmbeddedHost } from "@mesh-six/shared/host/embedded";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import { silentLogger } from "@mesh-six/shared/log/logger";
import { deployPlanner, fanOut, stepper } from "@mesh-six/testing";
import { serviceEnv, until } from "@mesh-six/testing/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kafkaBrokerFactory } from "./host.ts";

/** Durable runs with every hop, child task and decision crossing Kafka (librdkafka's mock cluster). */
describe("durable runs on the kafka host", () => {
  let host: EmbeddedHost;
  const topic = `runs-${randomUUID()}`;
  beforeAll(async () => {
    const environment = { MESH_BROKER: "kafka", KAFKA_BROKERS: serviceEnv("MESH_TEST_KAFKA_BROKERS") };
    const config = loadConfig(environment);
    host = await startEmbeddedHost({
      functions: [...fleet, stepper, fanOut, deployPlanner],
      environment,
      db: await createPgliteDb(),
      kv: createMemoryKv(),
      logger: silentLogger,
      createBroker: kafkaBrokerFactory(config, {
        topic,
        consumerGroup: (_namespace, trigger) => `${topic}-${trigger}`,
        consumer: { maxWaitTimeInMs: 50 },
      }),
    });
  });
  afterAll(() => host?.stop());

  const call = async (path: string, init?: RequestInit) => {
    const response = await host.fetch(
      new Request(`http://mesh.test${path}`, {
        ...init,
        ...(init?.body ? { headers: { "content-type": "application/json" } } : {}),
      }),
    );
    // biome-ignore lint/suspicious/noExplicitAny: a JSON body the test reads field by field
    return (await response.json()) as Record<string, any>;
  };
  const post = (capability: string, payload: Record<string, unknown>) =>
    call("/tasks", { method: "POST", body: JSON.stringify({ capability, payload }) }).then(
      (body) => body.taskId as string,
    );
  const finished = async (taskId: string) => {
    const task = await call(`/tasks/${taskId}?wait=30`);
    expect(["succeeded", "failed"]).toContain(task.status);
    return task;
  };

  it("runs a chain of steps, one hop each through Kafka", async () => {
    const task = await finished(await post("step-chain", { word: "k" }));
    expect(task).toMatchObject({
      status: "succeeded",
      result: { chain: "k-1-2-3", answer: "[offline model] 2+2 = 4" },
    });
    const run = await call(`/runs/${task.runId}`);
    expect(run).toMatchObject({ status: "succeeded", hops: 5 });
  });

  it("fans out three child tasks and joins them", async () => {
    const task = await finished(await post("fan-out", { questions: ["1+2?", "2+3?", "3+4?"] }));
    expect(task.result).toEqual([
      "[offline model] 1+2 = 3",
      "[offline model] 2+3 = 5",
      "[offline model] 3+4 = 7",
    ]);
  });

  it("pauses for an approval and resumes on a decision through the ingress", async () => {
    const taskId = await post("human-approval", { action: "restart kafka" });
    let approvalId = "";
    await until("the approval is pending", async () => {
      const { approvals } = await call("/approvals?status=pending");
      approvalId =
        (approvals as { id: string; taskId: string }[]).find((entry) => entry.taskId === taskId)?.id ?? "";
      return approvalId !== "";
    });
    const response = await host.fetch(
      new Request("http://mesh.test/mesh-six/default", {
        method: "POST",
        headers: {
          "ce-specversion": "1.0",
          "ce-type": "dev.meshsix.approval.decided",
          "ce-source": "kn-event/v1.16.0",
          "ce-id": randomUUID(),
          "content-type": "application/json",
        },
        body: JSON.stringify({ approvalId, decision: "approved" }),
      }),
    );
    expect(response.status).toBe(202);
    const task = await finished(taskId);
    expect(task.result).toMatchObject({ decision: "approved", decidedVia: "event" });
  });

  it("runs an agent made with defineAgent, its tool calls and turns across Kafka", async () => {
    const task = await finished(
      await post("plan-deploy", { service: "queue", query: "status of service=queue" }),
    );
    expect(task).toMatchObject({ status: "succeeded", result: { risk: "low" } });
    const run = await call(`/runs/${task.runId}`);
    expect((run.steps as { name: string }[]).map((step) => step.name)).toEqual([
      "turn",
      "tool status",
      "turn#2",
    ]);
  });
});
