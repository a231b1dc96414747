import { TaskRequested } from "@mesh-six/events";
import { registerAgents } from "@mesh-six/shared/registry/agents";
import { createTask, finishTask, readTask, type TaskRecord } from "@mesh-six/shared/registry/tasks";
import { sweepOutbox } from "@mesh-six/shared/runtime/sweep";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayApp } from "../app.ts";
import { createGatewayTestContext, type GatewayTestContext, untilSleeping } from "../testing/context.ts";

describe("task routes", () => {
  let ctx: GatewayTestContext;
  let app: Hono;
  beforeAll(async () => {
    ctx = await createGatewayTestContext();
    app = createGatewayApp(ctx);
    await registerAgents(
      ctx.db,
      [
        {
          name: "general-agent",
          description: "answers",
          capabilities: [{ name: "general-query", weight: 0.8 }],
        },
      ],
      { now: ctx.clock.now() },
    );
  });
  afterAll(() => ctx.db.close());

  const post = (body: unknown) =>
    app.request("/tasks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  it("accepts a task with 202 and publishes task.requested whose id is the task id", async () => {
    const response = await post({
      capability: "general-query",
      payload: { query: "What is 2+2?" },
      priority: 2,
    });
    expect(response.status).toBe(202);
    const { taskId } = (await response.json()) as { taskId: string };
    const event = ctx.published.at(-1)!;
    expect(event.id).toBe(taskId);
    expect(event.source).toBe("/mesh-six/gateway");
    const parsed = TaskRequested.parse(event);
    expect(parsed.ok && parsed.data).toEqual({
      taskId,
      capability: "general-query",
      payload: { query: "What is 2+2?" },
      priority: 2,
      timeout: 120,
    });
  });

  it("records the task as requested before publishing, so GET answers at once", async () => {
    let recorded: TaskRecord | undefined;
    const watched = createGatewayApp({
      ...ctx,
      publish: async (event) => {
        recorded = await readTask(ctx.db, event.id);
        await ctx.publish(event);
      },
    });
    const response = await watched.request("/tasks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ capability: "general-query", payload: { query: "hi" }, requestedBy: "me" }),
    });
    expect(response.status).toBe(202);
    const { taskId } = (await response.json()) as { taskId: string };
    expect(recorded).toMatchObject({ id: taskId, status: "requested", attempt: 0, requestedBy: "me" });
    const shown = await app.request(`/tasks/${taskId}`);
    expect(shown.status).toBe(200);
    expect(await shown.json()).toMatchObject({
      id: taskId,
      status: "requested",
      capability: "general-query",
      payload: { query: "hi" },
      priority: 5,
      timeout: 120,
      agentId: null,
      attempts: [],
    });
    // the orchestrator takes the record over once, however often the request arrives
    const request = {
      id: taskId,
      capability: "general-query",
      payload: { query: "hi" },
      priority: 5,
      timeoutSeconds: 120,
      requestedBy: "me",
      at: ctx.clock.now(),
    };
    expect(await createTask(ctx.db, request)).toMatchObject({ id: taskId, status: "dispatched" });
    expect(await createTask(ctx.db, request)).toBeUndefined();
  });

  it("answers 400 naming the field at fault", async () => {
    const cases: [unknown, string, string][] = [
      [{ payload: {} }, "capability", "invalid field 'capability'"],
      [{ capability: "general-query", payload: "What?" }, "payload", "must be a JSON object"],
      [{ capability: "general-query", priority: 11 }, "priority", "invalid field 'priority'"],
      [{ capability: "general-query", timeout: -1 }, "timeout", "invalid field 'timeout'"],
      [{ capability: "general-query", prio: 1 }, "prio", "unknown field 'prio'"],
    ];
    for (const [body, field, message] of cases) {
      const response = await post(body);
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { error: string; field: string };
      expect(answer.field).toBe(field);
      expect(answer.error).toContain(message);
    }
    const notJson = await post("{capability:");
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toContain("the body must be JSON");
  });

  it("accepts the task while the broker is down, and the outbox sweep publishes it later", async () => {
    ctx.failPublishing("disk full");
    const response = await post({ capability: "general-query", payload: { query: "kept" } });
    ctx.failPublishing(undefined);
    expect(response.status).toBe(202);
    const { taskId } = (await response.json()) as { taskId: string };
    expect(await readTask(ctx.db, taskId)).toMatchObject({ status: "requested" });
    expect(ctx.published.some((event) => event.id === taskId)).toBe(false);
    // what a crash between the commit and the publish leaves, too: the event in the outbox
    const sweep = () =>
      sweepOutbox({
        db: ctx.db,
        publish: ctx.publish,
        now: () => ctx.clock.now(),
        logger: ctx.logger,
        functionName: "gateway",
      });
    expect(await sweep()).toBe(0);
    await ctx.clock.advance(60_000);
    expect(await sweep()).toBe(1);
    expect(ctx.published.filter((event) => event.id === taskId)).toHaveLength(1);
    expect(await sweep()).toBe(0);
  });

  it("answers 503 when the database cannot store the task, and publishes nothing", async () => {
    const before = ctx.published.length;
    const broken = createGatewayApp({
      ...ctx,
      db: {
        ...ctx.db,
        transaction: () => Promise.reject(new Error("connection refused")),
      },
    });
    const response = await broken.request("/tasks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ capability: "general-query" }),
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: "the database could not store the task; try again shortly",
    });
    expect(ctx.published.length).toBe(before);
  });

  it("shows a task, 404 for an unknown one, and rejects a bad wait", async () => {
    await createTask(ctx.db, {
      id: "shown",
      capability: "general-query",
      payload: { query: "hi" },
      priority: 5,
      timeoutSeconds: 60,
      at: ctx.clock.now(),
    });
    const response = await app.request("/tasks/shown");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: "shown",
      status: "dispatched",
      attempts: [],
      timeout: 60,
    });
    const missing = await app.request("/tasks/nope");
    expect(missing.status).toBe(404);
    const bad = await app.request("/tasks/shown?wait=61");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain("'wait'");
  });

  it("long-polls until the task finishes", async () => {
    await createTask(ctx.db, {
      id: "polled",
      capability: "general-query",
      payload: {},
      priority: 5,
      timeoutSeconds: 60,
      at: ctx.clock.now(),
    });
    const pending = app.request("/tasks/polled?wait=30");
    await untilSleeping(ctx.clock);
    await finishTask(ctx.db, "polled", {
      status: "succeeded",
      result: { answer: "4" },
      at: new Date(ctx.clock.now()).toISOString(),
    });
    await ctx.clock.advance(100);
    const response = await pending;
    expect(await response.json()).toMatchObject({
      id: "polled",
      status: "succeeded",
      result: { answer: "4" },
    });
  });

  it("keeps long-polling while a task is only requested", async () => {
    const response = await post({ capability: "general-query", payload: { query: "later" } });
    const { taskId } = (await response.json()) as { taskId: string };
    const pending = app.request(`/tasks/${taskId}?wait=30`);
    await untilSleeping(ctx.clock);
    await createTask(ctx.db, {
      id: taskId,
      capability: "general-query",
      payload: { query: "later" },
      priority: 5,
      timeoutSeconds: 120,
      at: ctx.clock.now(),
    });
    await finishTask(ctx.db, taskId, {
      status: "succeeded",
      result: { answer: "now" },
      at: new Date(ctx.clock.now()).toISOString(),
    });
    await ctx.clock.advance(100);
    expect(await (await pending).json()).toMatchObject({ id: taskId, status: "succeeded" });
  });

  it("stops long-polling after the wait with the task as it is", async () => {
    await createTask(ctx.db, {
      id: "slow",
      capability: "general-query",
      payload: {},
      priority: 5,
      timeoutSeconds: 60,
      at: ctx.clock.now(),
    });
    const pending = app.request("/tasks/slow?wait=1");
    for (let step = 0; step < 10; step += 1) {
      await untilSleeping(ctx.clock);
      await ctx.clock.advance(100);
    }
    expect(await (await pending).json()).toMatchObject({ id: "slow", status: "dispatched" });
  });
});
