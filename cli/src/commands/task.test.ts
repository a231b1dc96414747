import { untilSleeping } from "@mesh-six/function-gateway/testing/context";
import {
  endAttempt,
  finishTask,
  readTask,
  recentTasks,
  startAttempt,
  type TaskRecord,
} from "@mesh-six/shared/registry/tasks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../mesh.ts";
import { runMesh } from "../run.ts";
import { type GatewayServer, startGatewayServer } from "../testing/gateway-server.ts";
import { createTestIo } from "../testing/io.ts";

type Outcome = Parameters<typeof finishTask>[2];

describe("mesh task", () => {
  let server: GatewayServer;
  beforeAll(async () => {
    server = await startGatewayServer();
  });
  afterAll(() => server.close());

  async function mesh(...argv: string[]) {
    const io = createTestIo();
    const code = await runMesh(["--url", server.url, ...argv], commands, io);
    return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
  }

  /** The task a `--wait 0` run posted, as the gateway recorded it. */
  async function posted(stdout: string): Promise<TaskRecord> {
    const task = await readTask(server.ctx.db, stdout.trim());
    expect(task).toBeDefined();
    return task!;
  }

  /**
   * Runs `mesh task … --wait 5` and, while it waits on the gateway, plays the orchestrator:
   * one attempt on general-agent, then the task finished with `outcome`.
   */
  async function answered(argv: string[], outcome: Outcome, attemptError?: TaskRecord["error"]) {
    const known = new Set((await recentTasks(server.ctx.db, 100)).map((entry) => entry.id));
    const running = mesh("task", ...argv, "--wait", "5");
    await untilSleeping(server.ctx.clock);
    const task = (await recentTasks(server.ctx.db, 100)).find((entry) => !known.has(entry.id));
    const at = new Date(server.ctx.clock.now()).toISOString();
    const attempt = { agentId: "general-agent", attempt: 1, reason: "score" as const, dispatchedAt: at };
    await startAttempt(server.ctx.db, task!, { ...attempt, deadline: at });
    const dispatched = (await readTask(server.ctx.db, task!.id))!;
    await endAttempt(server.ctx.db, dispatched, {
      success: outcome.status === "succeeded",
      ...(attemptError ? { error: attemptError } : {}),
      finishedAt: at,
    });
    await finishTask(server.ctx.db, task!.id, outcome);
    // the gateway's long-poll looks again
    await server.ctx.clock.advance(1000);
    return { task: task!, result: await running };
  }

  it("posts the question as payload.query with the options, and prints the task id with --wait 0", async () => {
    const { code, stdout, stderr } = await mesh(
      "task",
      "Deploy the api service",
      "--capability",
      "deploy-service",
      "--priority",
      "2",
      "--timeout",
      "30",
      "--wait",
      "0",
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toMatch(/^[0-9a-f-]{36}\n$/);
    expect(await posted(stdout)).toMatchObject({
      capability: "deploy-service",
      payload: { query: "Deploy the api service" },
      priority: 2,
      timeoutSeconds: 30,
      requestedBy: "mesh-cli",
      status: "requested",
    });
  });

  it("merges --payload with the question, which becomes payload.query", async () => {
    const { code, stdout } = await mesh(
      "task",
      "Deploy it",
      "--payload",
      '{"service":"api","replicas":2}',
      "--wait",
      "0",
    );
    expect(code).toBe(0);
    expect((await posted(stdout)).payload).toEqual({ query: "Deploy it", service: "api", replicas: 2 });
  });

  it("takes the question from --payload alone", async () => {
    const { code, stdout } = await mesh("task", "--payload", '{"query":"What is 2+2?"}', "--wait", "0");
    expect(code).toBe(0);
    expect((await posted(stdout)).payload).toEqual({ query: "What is 2+2?" });
  });

  it("prints the agent's answer", async () => {
    const { result } = await answered(["What is 2+2?"], {
      status: "succeeded",
      result: { answer: "4" },
      at: new Date(0).toISOString(),
    });
    expect(result).toEqual({ code: 0, stdout: "4\n", stderr: "" });
  });

  it("prints the whole task with --json", async () => {
    const { task, result } = await answered(["What is 2+2?", "--json"], {
      status: "succeeded",
      result: { answer: "4" },
      at: new Date(0).toISOString(),
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      id: task.id,
      status: "succeeded",
      result: { answer: "4" },
      attempts: [{ agentId: "general-agent", attempt: 1, success: true }],
    });
  });

  it("prints the failure with every attempt, exit 1", async () => {
    const error = { type: "api_error" as const, message: "the LLM answered 500", retryable: true };
    const { task, result } = await answered(
      ["What is 2+2?"],
      {
        status: "failed",
        error: {
          ...error,
          message: "the only attempt failed, on general-agent: api_error: the LLM answered 500",
        },
        at: new Date(0).toISOString(),
      },
      error,
    );
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: [
        `mesh task: task ${task.id} failed: api_error: the only attempt failed, on general-agent: api_error: the LLM answered 500`,
        "  attempt 1 on general-agent: api_error: the LLM answered 500",
        "",
      ].join("\n"),
    });
  });

  it.each<[string[], string]>([
    [
      ["What is 2+2?", "--payload", '{"query":"What is 3+3?"}'],
      "the question is given twice, as <question> and as payload.query in --payload; give one or the other",
    ],
    [[], "missing <question>: what to ask"],
    [["--payload", '{"service":"api"}'], "missing <question>: what to ask"],
    [[""], "<question> must not be empty"],
    [["  "], "<question> must not be empty"],
    [
      ["x", "--wait", "-1"],
      "--wait needs a value (<seconds>), but '-1' starts with '-' and reads as an option; write --wait=-1 if you really mean it as the value",
    ],
    [["x", "--wait=-1"], "--wait must be a whole number from 0 to 3600 (got '-1')"],
    [["x", "-w", "-5"], "--wait needs a value (<seconds>), but '-5' starts with '-'"],
    [["x", "--wait"], "--wait needs a value: --wait <seconds>"],
    [["x", "--wait", "--json"], "--wait needs a value (<seconds>), but is followed by the option '--json'"],
    [["x", "--json=yes"], "--json is a switch and takes no value; write --json alone"],
    [["x", "--payload", "[1]"], `--payload must be a JSON object, e.g. '{"service":"api"}' (got '[1]')`],
    [["x", "--payload", "{"], `--payload must be a JSON object, e.g. '{"service":"api"}' (got '{')`],
    [["x", "--capability", ""], "--capability must name a capability, e.g. general-query"],
    [["x", "--capability", "c".repeat(101)], "--capability must be at most 100 characters"],
    [["x", "--priority", "11"], "--priority must be a whole number from 0 to 10 (got '11')"],
    [["x", "--timeout", "0"], "--timeout must be a whole number from 1 to 86400 (got '0')"],
  ])("refuses %j with exit 2 before asking the mesh", async (argv, message) => {
    const before = (await recentTasks(server.ctx.db, 100)).length;
    const result = await mesh("task", ...argv);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toContain(`mesh task: ${message}`);
    expect(result.stderr).toContain("Run 'mesh task --help' for usage.");
    expect((await recentTasks(server.ctx.db, 100)).length).toBe(before);
  });
});
