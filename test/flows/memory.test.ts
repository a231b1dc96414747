import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LanguageModelV4, LanguageModelV4Prompt } from "@ai-sdk/provider";
import { TaskRequested } from "@mesh-six/events";
import { gateway } from "@mesh-six/function-gateway";
import { generalAgent } from "@mesh-six/function-general-agent";
import { orchestrator } from "@mesh-six/function-orchestrator";
import { createSteppingClock } from "@mesh-six/shared/broker/stepping-clock";
import { llmConfig } from "@mesh-six/shared/config/llm";
import { readConfig } from "@mesh-six/shared/config/read";
import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import { type EmbeddedHost, startEmbeddedHost } from "@mesh-six/shared/host/embedded";
import { createLlm } from "@mesh-six/shared/llm/create";
import { createOfflineModel } from "@mesh-six/shared/llm/offline-model";
import { silentLogger } from "@mesh-six/shared/log/logger";
import { readTask } from "@mesh-six/shared/registry/tasks";
import { settleHost } from "@mesh-six/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const concise = "The user prefers concise answers.";

/** The offline model, keeping every prompt it is sent (system and user messages as one text). */
function promptRecordingModel(prompts: string[]): LanguageModelV4 {
  const model = createOfflineModel();
  const text = (prompt: LanguageModelV4Prompt) =>
    prompt
      .map((message) =>
        typeof message.content === "string"
          ? message.content
          : message.content.map((part) => (part.type === "text" ? part.text : "")).join(""),
      )
      .join("\n");
  return {
    ...model,
    doGenerate(options) {
      prompts.push(text(options.prompt));
      return model.doGenerate(options);
    },
  };
}

/**
 * Memory through the running mesh: the embedded host with the orchestrator, general-agent
 * and the gateway on PGlite in a temporary MESH_DATA_DIR, restarted between tasks.
 */
describe("memory across tasks, users and restarts", () => {
  let dataDir: string;
  let host: EmbeddedHost | undefined;
  const prompts: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "mesh-memory-"));
  });
  afterAll(async () => {
    await host?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<EmbeddedHost> {
    const environment = { MESH_DATA_DIR: dataDir };
    const clock = createSteppingClock(Date.parse("2025-06-01T12:00:00Z"));
    const db = await createPgliteDb({ dataDir: join(dataDir, "pg") });
    const llm = createLlm({
      config: readConfig(llmConfig, environment),
      db,
      clock,
      model: promptRecordingModel(prompts),
    });
    host = await startEmbeddedHost({
      functions: [orchestrator, gateway, generalAgent],
      environment,
      clock,
      db,
      llm,
      logger: silentLogger,
    });
    return host;
  }

  async function restart(): Promise<EmbeddedHost> {
    await host?.stop();
    host = undefined;
    return start();
  }

  /** Asks general-query for `userId` and waits until the broker has nothing left to do. */
  async function ask(mesh: EmbeddedHost, taskId: string, query: string, userId: string) {
    prompts.length = 0;
    await mesh.publish(
      TaskRequested.create({
        source: "/test/flows",
        id: taskId,
        data: { taskId, capability: "general-query", payload: { query, userId } },
      }),
    );
    await settleHost(mesh);
    const task = await readTask(mesh.db, taskId);
    expect(task?.status).toBe("succeeded");
    expect(prompts).toHaveLength(1);
    return {
      result: task?.result as { answer: string; memories: { recalled: number; learned: number } },
      prompt: prompts[0]!,
    };
  }

  async function memoriesOf(mesh: EmbeddedHost, user: string) {
    const response = await mesh.fetch(new Request(`http://mesh.test/memories?user=${user}`));
    expect(response.status).toBe(200);
    return ((await response.json()) as { memories: { id: string; agent: string; content: string }[] })
      .memories;
  }

  it("stores what u1 said, recalls it for u1 after a restart, and never shows it to u2", async () => {
    const first = await start();
    const listed = await first.fetch(new Request("http://mesh.test/memories"));
    expect(((await listed.json()) as { embedder: { local: boolean } }).embedder.local).toBe(true);
    const told = await ask(first, "task-1", "I prefer concise answers. What is the capital of France?", "u1");
    expect(told.prompt).not.toContain(concise);
    expect(told.result.memories).toEqual({ recalled: 0, learned: 1 });
    expect(await memoriesOf(first, "u1")).toMatchObject([{ agent: "general-agent", content: concise }]);

    const second = await restart();
    const recalled = await ask(second, "task-2", "What is the capital of Germany?", "u1");
    expect(recalled.prompt).toContain("What you remember from earlier conversations with this user");
    expect(recalled.prompt).toContain(`- ${concise}`);
    expect(recalled.result.memories).toEqual({ recalled: 1, learned: 0 });

    const stranger = await ask(second, "task-3", "Do you know whether I like concise answers?", "u2");
    expect(stranger.prompt).not.toContain(concise);
    expect(stranger.result.memories.recalled).toBe(0);
    expect(await memoriesOf(second, "u2")).toEqual([]);
  });

  it("forgets a memory on request: the next task no longer sees it", async () => {
    const mesh = host ?? (await start());
    const [memory] = await memoriesOf(mesh, "u1");
    const deleted = await mesh.fetch(
      new Request(`http://mesh.test/memories/${memory!.id}`, { method: "DELETE" }),
    );
    expect(deleted.status).toBe(200);
    const after = await ask(mesh, "task-4", "What is the capital of Spain? Keep it concise.", "u1");
    expect(after.prompt).not.toContain(concise);
    expect(after.result.memories.recalled).toBe(0);
  });
});
