import { TaskCompleted } from "@mesh-six/events";
import { generalAgent } from "@mesh-six/function-general-agent";
import { orchestrator } from "@mesh-six/function-orchestrator";
import { readMeshEvents } from "@mesh-six/shared/log/event-log";
import { createTestMesh, dataOf, type TestMesh } from "@mesh-six/testing";
import { type ReplayServer, startReplayServer } from "@mesh-six/testing/openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

/**
 * What an LLM failure does to a task, through the broker, the orchestrator and
 * general-agent against an OpenAI-compatible server: rate limits retried within the
 * request, then by the orchestrator on the same agent, a bad request not at all.
 */
describe("LLM failures through the fleet", () => {
  let llm: ReplayServer;
  let mesh: TestMesh;
  beforeAll(async () => {
    llm = await startReplayServer();
    mesh = await createTestMesh({
      functions: [orchestrator, generalAgent],
      env: {
        LLM_BASE_URL: llm.baseURL,
        LLM_API_KEY: "sk-test",
        LLM_MODEL: "gpt-4o-mini",
        LLM_MAX_RETRIES: "2",
        LLM_RETRY_BUDGET_SECONDS: "10",
      },
    });
  });
  afterAll(async () => {
    await mesh.stop();
    await llm.close();
  });
  beforeEach(() => {
    llm.received.length = 0;
  });

  const calls = async (taskId: string) =>
    (
      await mesh.host.db.query<{ outcome: string; prompt_tokens: number; completion_tokens: number }>(
        "SELECT outcome, prompt_tokens, completion_tokens FROM llm_usage WHERE task_id = $1 ORDER BY id",
        [taskId],
      )
    ).rows;

  const attemptsOf = (task: {
    attempts: readonly { agentId: string; reason: string; success?: boolean; error?: { type: string } }[];
  }) =>
    task.attempts.map((attempt) => [attempt.agentId, attempt.reason, attempt.success, attempt.error?.type]);

  it("answers after a 429 then a 200 within one attempt, recording each call once", async () => {
    llm.script("What is 2+2?", ["error-429-tokens-per-minute"]);
    const task = await mesh.task("general-query", { query: "What is 2+2?" }, { taskId: "llm-429-then-200" });
    expect(task).toMatchObject({ status: "succeeded", result: { answer: "2 + 2 = 4.", offline: false } });
    expect(attemptsOf(task)).toEqual([["general-agent", "score", true, undefined]]);
    expect(llm.received).toHaveLength(2);
    expect(await calls("llm-429-then-200")).toEqual([
      { outcome: "rate_limited", prompt_tokens: 0, completion_tokens: 0 },
      { outcome: "ok", prompt_tokens: 24, completion_tokens: 8 },
    ]);
    const [completed] = (
      await readMeshEvents(mesh.host.db, { eventType: TaskCompleted.type, limit: 1000 })
    ).filter((row) => row.subject === "llm-429-then-200");
    expect(dataOf(completed)).toMatchObject({ usage: { promptTokens: 24, completionTokens: 8 } });
  });

  it("gives general-agent the task again when the rate limit outlasts one attempt's retries", async () => {
    const limited = "error-429-tokens-per-minute";
    llm.script("What is 2+2?", [limited, limited, limited]);
    const task = await mesh.task("general-query", { query: "What is 2+2?" }, { taskId: "llm-429-outlasts" });
    expect(task.status).toBe("succeeded");
    expect(attemptsOf(task)).toEqual([
      ["general-agent", "score", false, "rate_limited"],
      ["general-agent", "retry", true, undefined],
    ]);
    expect((await calls("llm-429-outlasts")).map((call) => call.outcome)).toEqual([
      "rate_limited",
      "rate_limited",
      "rate_limited",
      "ok",
    ]);
  });

  it("fails a task rate limited for good after the bounded attempts, listing every one", async () => {
    const task = await mesh.task(
      "general-query",
      { query: "we are over the token limit" },
      { taskId: "llm-429-forever" },
    );
    expect(task.status).toBe("failed");
    expect(task.error?.type).toBe("rate_limited");
    expect(task.error?.message).toMatch(
      /^all 3 attempts failed \(same-agent retries: 2 of at most 2\); the last, on general-agent: rate_limited: /,
    );
    expect(attemptsOf(task)).toEqual([
      ["general-agent", "score", false, "rate_limited"],
      ["general-agent", "retry", false, "rate_limited"],
      ["general-agent", "retry", false, "rate_limited"],
    ]);
    expect(task.attempts[0]?.error?.message).toContain("(after 3 calls)");
    // three calls per attempt: the first and LLM_MAX_RETRIES (2) retries
    expect(llm.received).toHaveLength(9);
    expect(await calls("llm-429-forever")).toHaveLength(9);
  });

  it("fails a request the server rejects as invalid at once: one attempt, one call", async () => {
    const task = await mesh.task(
      "general-query",
      { query: "this prompt is too long for the context" },
      { taskId: "llm-400" },
    );
    expect(task).toMatchObject({ status: "failed", error: { type: "invalid_input" } });
    expect(task.error?.message).toContain("maximum context length");
    expect(attemptsOf(task)).toEqual([["general-agent", "score", false, "invalid_input"]]);
    expect(llm.received).toHaveLength(1);
    expect(await calls("llm-400")).toEqual([
      { outcome: "invalid_input", prompt_tokens: 0, completion_tokens: 0 },
    ]);
  });
});
