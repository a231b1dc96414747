import { commands } from "@mesh-six/cli/mesh";
import { runMesh } from "@mesh-six/cli/run";
import { createTestIo } from "@mesh-six/cli/testing/io";
import { gateway } from "@mesh-six/function-gateway";
import { generalAgent } from "@mesh-six/function-general-agent";
import { orchestrator } from "@mesh-six/function-orchestrator";
import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import { type EmbeddedHost, startEmbeddedHost } from "@mesh-six/shared/host/embedded";
import { type RunningServer, serveHost } from "@mesh-six/shared/host/serve";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import { silentLogger } from "@mesh-six/shared/log/logger";
import { type ReplayServer, startReplayServer } from "@mesh-six/testing/openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * `mesh task` end to end over HTTP: the CLI posts the task, the embedded host routes it,
 * general-agent asks an OpenAI-compatible server (replaying hand-written responses in
 * OpenAI's documented shape; testing/openai/README.md) and the
 * CLI prints the answer or the failure. Real time: nothing here is timed.
 */
describe("mesh task against an OpenAI-compatible server", () => {
  let llm: ReplayServer;
  let host: EmbeddedHost;
  let server: RunningServer;
  beforeAll(async () => {
    llm = await startReplayServer();
    host = await startEmbeddedHost({
      functions: [orchestrator, gateway, generalAgent],
      environment: {
        LLM_BASE_URL: llm.baseURL,
        LLM_API_KEY: "sk-test",
        LLM_MODEL: "gpt-4o-mini",
        // the recorded 429 asks for 20 s: past this budget, so each attempt makes one call
        LLM_RETRY_BUDGET_SECONDS: "5",
      },
      db: await createPgliteDb(),
      kv: createMemoryKv(),
      logger: silentLogger,
    });
    server = await serveHost(host, 0, "127.0.0.1");
  });
  afterAll(async () => {
    await server.close();
    await host.stop();
    await llm.close();
  });

  async function mesh(...argv: string[]) {
    const io = createTestIo();
    const code = await runMesh([...argv, "--url", `http://127.0.0.1:${server.port}`], commands, io);
    return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
  }

  it("prints the model's answer", async () => {
    expect(await mesh("task", "What is 2+2?")).toEqual({ code: 0, stdout: "2 + 2 = 4.\n", stderr: "" });
    expect(llm.received.at(-1)?.body.messages?.at(-1)).toEqual({ role: "user", content: "What is 2+2?" });
  });

  it("prints the failure with every attempt when the model is rate limited", async () => {
    const answer = await mesh("task", "please rate limit me");
    expect(answer.code).toBe(1);
    expect(answer.stdout).toBe("");
    expect(answer.stderr).toMatch(
      /^mesh task: task \S+ failed: rate_limited: all 3 attempts failed \(same-agent retries: 2 of at most 2\); the last, on general-agent: rate_limited: /,
    );
    expect(answer.stderr).toContain(
      'attempt 1 on general-agent: rate_limited: step "turn" failed: the LLM endpoint is rate limiting',
    );
  });

  it("prints the task id and returns at once with --wait 0", async () => {
    const answer = await mesh("task", "What is 2+2?", "--wait", "0");
    expect(answer.code).toBe(0);
    expect(answer.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
  });

  it("refuses a bad option value, saying what it accepts", async () => {
    const answer = await mesh("task", "What is 2+2?", "--priority", "11");
    expect(answer).toMatchObject({ code: 2, stdout: "" });
    expect(answer.stderr).toContain("--priority must be a whole number from 0 to 10 (got '11')");
  });
});
