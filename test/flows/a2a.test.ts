import { type StreamResponse, TaskState } from "@a2a-js/sdk";
import type { EmbeddedHost } from "@mesh-six/shared/host/embedded";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clientOf,
  dataDir,
  fetchOf,
  keyOf,
  origin,
  removeDataDirs,
  send,
  start,
  textOfArtifacts,
} from "./support/a2a.ts";

async function collect(events: AsyncGenerator<StreamResponse>): Promise<StreamResponse[]> {
  const all: StreamResponse[] = [];
  for await (const event of events) all.push(event);
  return all;
}

describe("A2A through @a2a-js/sdk's client (v1.0)", () => {
  let host: EmbeddedHost;
  let dir: string;
  const current = () => host;
  beforeAll(async () => {
    dir = dataDir();
    host = await start(dir);
  });
  afterAll(async () => {
    await host.stop();
    removeDataDirs();
  });

  it("serves the fleet's card without a key: interfaces, skills from capabilities, streaming, the API key scheme", async () => {
    const response = await host.fetch(new Request(`${origin}/.well-known/agent-card.json`));
    expect(response.status).toBe(200);
    const card = (await response.json()) as Record<string, unknown>;
    expect(card).toMatchObject({
      name: "mesh-six",
      capabilities: { streaming: true, pushNotifications: false },
      supportedInterfaces: [
        { url: `${origin}/a2a`, protocolBinding: "JSONRPC", protocolVersion: "1.0" },
        { url: `${origin}/a2a`, protocolBinding: "JSONRPC", protocolVersion: "0.3" },
        { url: `${origin}/a2a/v1`, protocolBinding: "HTTP+JSON", protocolVersion: "1.0" },
      ],
      securitySchemes: { meshApiKey: { httpAuthSecurityScheme: { scheme: "Bearer" } } },
      securityRequirements: [{ schemes: { meshApiKey: { list: ["read", "write"] } } }],
    });
    const skills = (card.skills as { id: string }[]).map((skill) => skill.id);
    expect(skills).toEqual(expect.arrayContaining(["general-query", "ask-service"]));
    const client = await clientOf(current, origin, "JSONRPC");
    const resolved = await client.getAgentCard();
    expect(resolved.name).toBe("mesh-six");
  });

  it("serves one card per agent, with its own interfaces", async () => {
    const response = await host.fetch(new Request(`${origin}/a2a/agents/asker/.well-known/agent-card.json`));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      name: "asker",
      skills: [{ id: "ask-service" }],
      supportedInterfaces: [
        { url: `${origin}/a2a/agents/asker`, protocolBinding: "JSONRPC" },
        {},
        { url: `${origin}/a2a/agents/asker/v1` },
      ],
    });
    const unknown = await host.fetch(new Request(`${origin}/a2a/agents/nobody/.well-known/agent-card.json`));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toContain("no agent 'nobody' is registered");
  });

  for (const binding of ["JSONRPC", "HTTP+JSON"] as const) {
    it(`sends a message and gets the completed task with the agent's answer as an artifact (${binding})`, async () => {
      const client = await clientOf(current, origin, binding);
      const task = await client.sendMessage(send("What is 2+2?"));
      if (!("status" in task)) throw new Error("expected a task");
      expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(textOfArtifacts(task)).toEqual([expect.stringContaining("4")]);
      expect(task.history).toHaveLength(1);
      expect(task.history[0]?.taskId).toBe(task.id);
      // the same task is a mesh task: GET /tasks shows it, routed to general-agent
      const mesh = await fetchOf(current)(`${origin}/tasks/${task.metadata?.meshTaskId}`);
      expect(await mesh.json()).toMatchObject({
        status: "succeeded",
        agentId: "general-agent",
        capability: "general-query",
      });
      const again = await client.getTask({ tenant: "", id: task.id });
      expect(again.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(again.contextId).toBe(task.contextId);
    });

    it(`streams a task: the task first, then status updates, the artifact before COMPLETED (${binding})`, async () => {
      const client = await clientOf(current, origin, binding);
      const events = await collect(client.sendMessageStream(send("What is 3+4?")));
      const kinds = events.map((event) => event.payload?.$case);
      expect(kinds[0]).toBe("task");
      expect(kinds.at(-1)).toBe("statusUpdate");
      expect(kinds).toContain("artifactUpdate");
      // the agent's progress (task.progress in the event log) comes as WORKING updates with its words
      const progress = events.flatMap((event) =>
        event.payload?.$case === "statusUpdate" &&
        event.payload.value.status?.state === TaskState.TASK_STATE_WORKING
          ? (event.payload.value.status.message?.parts ?? []).map((part) => part.content?.value)
          : [],
      );
      expect(progress).toEqual([expect.stringContaining('step "turn" done')]);
      const last = events.at(-1)?.payload;
      expect(last?.$case === "statusUpdate" && last.value.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    });
  }

  it("asks for input (INPUT_REQUIRED), resumes on the caller's next message, and completes", async () => {
    const client = await clientOf(current, origin, "JSONRPC");
    const first = await client.sendMessage(
      send("restart something", { metadata: { capability: "ask-service" } }),
    );
    if (!("status" in first)) throw new Error("expected a task");
    expect(first.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const asked = first.status?.message?.parts[0]?.content;
    expect(asked?.$case === "text" && asked.value).toBe("Which service should I restart?");
    const second = await client.sendMessage(send("shop", { taskId: first.id, contextId: first.contextId }));
    if (!("status" in second)) throw new Error("expected a task");
    expect(second.id).toBe(first.id);
    expect(second.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(textOfArtifacts(second)).toEqual(["restarted shop"]);
    expect(second.history.map((entry) => entry.parts[0]?.content?.value)).toEqual([
      "restart something",
      "shop",
    ]);
  });

  it("cancels a task that waits, and refuses to cancel it twice (TaskNotCancelable)", async () => {
    const client = await clientOf(current, origin, "HTTP+JSON");
    const task = await client.sendMessage(send("restart", { metadata: { capability: "ask-service" } }));
    if (!("status" in task)) throw new Error("expected a task");
    expect(task.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const canceled = await client.cancelTask({ tenant: "", id: task.id, metadata: undefined });
    expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    await expect(client.cancelTask({ tenant: "", id: task.id, metadata: undefined })).rejects.toMatchObject({
      name: "TaskNotCancelableError",
    });
    // the run is cancelled too: its task fails as cancelled
    for (let tries = 0; tries < 100; tries++) {
      const mesh = (await (await fetchOf(current)(`${origin}/tasks/${task.id}?wait=1`)).json()) as {
        status: string;
      };
      if (mesh.status === "failed") break;
    }
    const mesh = (await (await fetchOf(current)(`${origin}/tasks/${task.id}`)).json()) as Record<
      string,
      unknown
    >;
    expect(mesh).toMatchObject({ status: "failed", error: { type: "cancelled" } });
    expect((await client.getTask({ tenant: "", id: task.id })).status?.state).toBe(
      TaskState.TASK_STATE_CANCELED,
    );
  });

  it("answers an unknown task with TaskNotFound on both bindings", async () => {
    for (const binding of ["JSONRPC", "HTTP+JSON"] as const) {
      const client = await clientOf(current, origin, binding);
      await expect(client.getTask({ tenant: "", id: "no-such-task" })).rejects.toMatchObject({
        name: "TaskNotFoundError",
      });
    }
  });

  it("lists tasks, newest first, by context", async () => {
    const client = await clientOf(current, origin, "JSONRPC");
    const contextId = crypto.randomUUID();
    const one = await client.sendMessage(send("What is 1+1?", { contextId }));
    const two = await client.sendMessage(send("What is 2+2?", { contextId }));
    const listed = await client.listTasks({
      tenant: "",
      contextId,
      status: TaskState.TASK_STATE_UNSPECIFIED,
      pageToken: "",
      statusTimestampAfter: undefined,
    });
    expect(listed.tasks.map((task) => task.id)).toEqual(
      [two, one].map((task) => ("id" in task ? task.id : "")),
    );
    expect(listed.totalSize).toBe(2);
  });

  it("keeps a task across a restart: GetTask and SubscribeToTask answer on a new host on the same data", async () => {
    const client = await clientOf(current, origin, "JSONRPC");
    const waiting = await client.sendMessage(send("restart", { metadata: { capability: "ask-service" } }));
    if (!("status" in waiting)) throw new Error("expected a task");
    expect(waiting.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    await host.stop();
    host = await start(dir);
    const after = await clientOf(current, origin, "JSONRPC");
    const read = await after.getTask({ tenant: "", id: waiting.id });
    expect(read.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(read.history).toHaveLength(1);
    const resumed = await after.sendMessage(send("db", { taskId: waiting.id }), {});
    if (!("status" in resumed)) throw new Error("expected a task");
    expect(resumed.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    // a task still under way on the new host streams there too
    const next = await after.sendMessage(send("restart", { metadata: { capability: "ask-service" } }, true));
    if (!("status" in next)) throw new Error("expected a task");
    const events = await collect(after.resubscribeTask({ tenant: "", id: next.id }));
    expect(events[0]?.payload?.$case).toBe("task");
    const last = events.at(-1)?.payload;
    const state =
      last?.$case === "task"
        ? last.value.status?.state
        : last?.$case === "statusUpdate"
          ? last.value.status?.state
          : undefined;
    expect(state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
  });

  it("takes the key as the README shows: per call, as the Authorization service parameter", async () => {
    for (const binding of ["JSONRPC", "HTTP+JSON"] as const) {
      const client = await clientOf(current, origin, binding, null);
      await expect(client.sendMessage(send("What is 2+2?"))).rejects.toThrow();
      const task = await client.sendMessage(send("What is 2+2?"), {
        serviceParameters: { Authorization: `Bearer ${keyOf("ops")}` },
      });
      expect("status" in task && task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    }
  });

  it("refuses sending with a read-only key (403 naming the scope) and lets it read", async () => {
    const reader = await clientOf(current, origin, "HTTP+JSON", "reader");
    await expect(reader.sendMessage(send("What is 2+2?"))).rejects.toMatchObject({ statusCode: 403 });
    const unauthenticated = await host.fetch(
      new Request(`${origin}/a2a`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "GetTask", params: { id: "x" } }),
      }),
    );
    expect(unauthenticated.status).toBe(401);
  });
});
