import { taskKeyLifetimeMs } from "@mesh-six/shared/registry/task-keys";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayApp } from "../app.ts";
import { createGatewayTestContext, type GatewayTestContext } from "../testing/context.ts";

interface Answer {
  readonly taskId: string;
  readonly status: string;
  readonly url: string;
  readonly error?: string;
  readonly header?: string;
}

describe("POST /tasks with an Idempotency-Key", () => {
  let ctx: GatewayTestContext;
  let app: Hono;
  beforeAll(async () => {
    ctx = await createGatewayTestContext();
    app = createGatewayApp(ctx);
  });
  afterAll(() => ctx.db.close());

  const post = async (key: string | undefined, body: unknown) => {
    const response = await app.request("/tasks", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(key === undefined ? {} : { "idempotency-key": key }),
      },
      body: JSON.stringify(body),
    });
    return { response, answer: (await response.json()) as Answer };
  };
  const tasksNamed = async (query: string) =>
    (
      await ctx.db.query<{ id: string }>(
        "SELECT id FROM tasks WHERE payload->>'query' = $1 ORDER BY created_at",
        [query],
      )
    ).rows.map((row) => row.id);
  const publishedFor = (taskId: string) => ctx.published.filter((event) => event.id === taskId);

  it("answers a retry with the first task: same status, same taskId, nothing new recorded or published", async () => {
    const body = { capability: "general-query", payload: { query: "retry me", n: 1 }, priority: 3 };
    const first = await post('"key-1"', body);
    expect(first.response.status).toBe(202);
    expect(first.response.headers.get("idempotent-replayed")).toBeNull();
    // the same request again (its fields in another order, the key in its bare form)
    const again = await post("key-1", {
      priority: 3,
      payload: { n: 1, query: "retry me" },
      capability: "general-query",
    });
    expect(again.response.status).toBe(202);
    expect(again.response.headers.get("idempotent-replayed")).toBe("true");
    expect(again.answer).toEqual(first.answer);
    expect(again.answer).toEqual({
      taskId: first.answer.taskId,
      status: "requested",
      url: `/tasks/${first.answer.taskId}`,
    });
    expect(await tasksNamed("retry me")).toEqual([first.answer.taskId]);
    expect(publishedFor(first.answer.taskId)).toHaveLength(1);
  });

  it("gives each request without a key, or with another key, a task of its own", async () => {
    const body = { capability: "general-query", payload: { query: "twice" } };
    const ids = [
      (await post(undefined, body)).answer.taskId,
      (await post(undefined, body)).answer.taskId,
      (await post("key-2a", body)).answer.taskId,
      (await post("key-2b", body)).answer.taskId,
    ];
    expect(new Set(ids).size).toBe(4);
    expect(await tasksNamed("twice")).toHaveLength(4);
  });

  it("answers 422 when the key comes back with a different request, naming the first task", async () => {
    const first = await post("key-3", { capability: "general-query", payload: { query: "first" } });
    const other = await post("key-3", { capability: "general-query", payload: { query: "second" } });
    expect(other.response.status).toBe(422);
    expect(other.answer.header).toBe("Idempotency-Key");
    expect(other.answer.error).toMatch(
      new RegExp(
        `^Idempotency-Key 'key-3' was used .* for another request \\(task ${first.answer.taskId}\\); send that request's body`,
      ),
    );
    // a default made explicit is the same request
    const explicit = await post("key-3", {
      capability: "general-query",
      payload: { query: "first" },
      priority: 5,
    });
    expect(explicit.response.status).toBe(202);
    expect(explicit.answer.taskId).toBe(first.answer.taskId);
    expect(await tasksNamed("second")).toEqual([]);
  });

  it("answers 400 for a key it cannot use, before recording anything", async () => {
    for (const key of ["", "k".repeat(256), "a, b", '"open']) {
      const { response, answer } = await post(key, {
        capability: "general-query",
        payload: { query: "bad key" },
      });
      expect(response.status, key).toBe(400);
      expect(answer.header).toBe("Idempotency-Key");
      expect(answer.error).toMatch(/^Idempotency-Key /);
    }
    expect(await tasksNamed("bad key")).toEqual([]);
  });

  it("publishes on a retry what a broker outage left of the first request", async () => {
    const body = { capability: "general-query", payload: { query: "outage" } };
    ctx.failPublishing("broker unavailable");
    const first = await post("key-4", body);
    ctx.failPublishing(undefined);
    expect(first.response.status).toBe(202);
    expect(publishedFor(first.answer.taskId)).toHaveLength(0);
    const again = await post("key-4", body);
    expect(again.answer.taskId).toBe(first.answer.taskId);
    expect(publishedFor(first.answer.taskId)).toHaveLength(1);
    await post("key-4", body);
    expect(publishedFor(first.answer.taskId)).toHaveLength(1);
  });

  it("forgets a key after 24 hours: then it starts a new task", async () => {
    const body = { capability: "general-query", payload: { query: "tomorrow" } };
    const first = await post("key-5", body);
    await ctx.clock.advance(taskKeyLifetimeMs - 1);
    expect((await post("key-5", body)).answer.taskId).toBe(first.answer.taskId);
    await ctx.clock.advance(1);
    const later = await post("key-5", body);
    expect(later.response.status).toBe(202);
    expect(later.answer.taskId).not.toBe(first.answer.taskId);
    expect(await tasksNamed("tomorrow")).toEqual([first.answer.taskId, later.answer.taskId]);
  });
});
