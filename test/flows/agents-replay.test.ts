import { deployPlanner, llmUsageOf, restarts, stepsOf, testFunction } from "@mesh-six/testing";
import { type ReplayServer, startReplayServer, structured, toolCalls } from "@mesh-six/testing/openai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

/**
 * The test agent (two tools, one needing approval, a structured answer) against an
 * OpenAI-compatible server replaying tool calls and structured output in OpenAI's shapes.
 */
describe("an agent made with defineAgent, against the replay server", () => {
  let server: ReplayServer;
  beforeAll(async () => {
    server = await startReplayServer();
  });
  afterAll(() => server.close());
  afterEach(() => server.reset());
  beforeEach(() => {
    restarts.length = 0;
  });

  const planner = () =>
    testFunction(deployPlanner, {
      env: { LLM_BASE_URL: server.baseURL, LLM_API_KEY: "sk-test", LLM_MODEL_STRONG: "gpt-4o" },
    });
  const firstTurn = (service: string) =>
    toolCalls({
      match: { text: `plan ${service}`, tools: true, lastRole: "user" },
      calls: [{ name: "status", arguments: { service } }],
    });

  it("calls the tool the model asks for, answers its structured output, on the agent's tier", async () => {
    server.use(firstTurn("shop"));
    server.use(
      structured({
        match: { toolResult: "1.4.2", responseFormat: "json_schema" },
        object: { summary: "shop 1.4.2 is healthy: deploy", risk: "low", steps: ["deploy shop"] },
      }),
    );
    const agent = await planner();
    const task = await agent.task({ service: "shop", query: "plan shop" });
    expect(task).toMatchObject({
      status: "succeeded",
      result: { summary: "shop 1.4.2 is healthy: deploy", risk: "low", steps: ["deploy shop"] },
    });
    expect((await stepsOf(agent.db, task)).map((step) => step.name)).toEqual([
      "turn",
      "tool status",
      "turn#2",
    ]);
    // every call of the tool loop recorded, with its step
    expect((await llmUsageOf(agent.db, task)).map((row) => row.step)).toEqual(["turn", "turn#2"]);
    // the strong tier's model, as the agent asks
    expect(server.received.map((request) => request.body.model)).toEqual(["gpt-4o", "gpt-4o"]);
    // the tool's result went back to the model as a tool message
    expect(JSON.stringify(server.received[1]?.body.messages)).toContain('"version\\":\\"1.4.2\\"');
    await agent.close();
  });

  it("repairs an answer that does not match the schema with one more turn", async () => {
    server.use(firstTurn("api"));
    server.use(
      structured({ match: { toolResult: "1.4.2", responseFormat: "json_schema" }, object: { summary: "?" } }),
    );
    server.use(
      structured({
        match: { text: "does not match the required JSON schema", responseFormat: "json_schema" },
        object: { summary: "fixed", risk: "medium", steps: [] },
      }),
    );
    const agent = await planner();
    const task = await agent.task({ service: "api", query: "plan api" });
    expect(task).toMatchObject({ status: "succeeded", result: { summary: "fixed", risk: "medium" } });
    expect((await stepsOf(agent.db, task)).map((step) => `${step.name}:${step.status}`)).toEqual([
      "turn:succeeded",
      "tool status:succeeded",
      "turn#2:failed",
      "repair:succeeded",
    ]);
    await agent.close();
  });

  it("fails as invalid_output when the repair does not match either", async () => {
    server.use(firstTurn("db"));
    server.use(
      structured({ match: { responseFormat: "json_schema", lastRole: "tool" }, object: { risk: "extreme" } }),
    );
    server.use(
      structured({
        match: { text: "does not match the required JSON schema", responseFormat: "json_schema" },
        object: { still: "wrong" },
      }),
    );
    const agent = await planner();
    const task = await agent.task({ service: "db", query: "plan db" });
    expect(task).toMatchObject({ status: "failed", error: { type: "invalid_output", retryable: false } });
    expect(task.error?.message).toContain(
      "deploy-planner's answer did not match its output schema, even after a repair turn",
    );
    await agent.close();
  });
});
