import { randomUUID } from "node:crypto";
import { commands } from "@mesh-six/cli/mesh";
import { runMesh } from "@mesh-six/cli/run";
import { createTestIo } from "@mesh-six/cli/testing/io";
import { gateway } from "@mesh-six/function-gateway";
import { generalAgent } from "@mesh-six/function-general-agent";
import { orchestrator } from "@mesh-six/function-orchestrator";
import { loadConfig } from "@mesh-six/shared/config/env";
import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import { type EmbeddedHost, startEmbeddedHost } from "@mesh-six/shared/host/embedded";
import { type RunningServer, serveHost } from "@mesh-six/shared/host/serve";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import { silentLogger } from "@mesh-six/shared/log/logger";
import { type ReplayServer, startReplayServer } from "@mesh-six/testing/openai";
import { serviceEnv } from "@mesh-six/testing/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kafkaBrokerFactory } from "./host.ts";
import type { KafkaBroker } from "./kafka-broker.ts";

/**
 * `mesh task` end to end with MESH_BROKER=kafka: the gateway publishes task.requested to
 * Kafka, the orchestrator's and general-agent's Triggers consume it as consumer groups,
 * the agent answers through an OpenAI-compatible server replaying hand-written responses
 * in OpenAI's documented shape (testing/openai/README.md).
 */
describe("mesh task on the kafka host", () => {
  let llm: ReplayServer;
  let host: EmbeddedHost;
  let server: RunningServer;
  const topic = `host-${randomUUID()}`;
  beforeAll(async () => {
    llm = await startReplayServer();
    const environment = {
      MESH_BROKER: "kafka",
      KAFKA_BROKERS: serviceEnv("MESH_TEST_KAFKA_BROKERS"),
      LLM_BASE_URL: llm.baseURL,
      LLM_API_KEY: "sk-test",
      LLM_MODEL: "gpt-4o-mini",
    };
    const config = loadConfig(environment);
    host = await startEmbeddedHost({
      functions: [orchestrator, gateway, generalAgent],
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
    server = await serveHost(host, 0, "127.0.0.1");
  });
  afterAll(async () => {
    await server?.close();
    await host?.stop();
    await llm?.close();
  });

  it("runs a task through the orchestrator and an agent on Kafka", async () => {
    const io = createTestIo();
    const code = await runMesh(
      ["task", "What is 2+2?", "--url", `http://127.0.0.1:${server.port}`],
      commands,
      io,
    );
    expect({ code, stdout: io.stdoutText(), stderr: io.stderrText() }).toEqual({
      code: 0,
      stdout: "2 + 2 = 4.\n",
      stderr: "",
    });
    const broker = host.broker as KafkaBroker;
    expect(broker.topic).toBe(topic);
    expect(broker.triggers.map((trigger) => trigger.metadata.name)).toContain("general-agent-tasks");
  });
});
