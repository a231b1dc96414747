import { createMemory, type MemoryService } from "@mesh-six/shared/memory/create";
import type { Hono } from "hono";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGatewayApp } from "../app.ts";
import { createGatewayTestContext, type GatewayTestContext } from "../testing/context.ts";

interface MemoryJson {
  id: string;
  agent: string;
  userId: string | null;
  content: string;
  score?: number;
  lastUsedAt: string | null;
}

describe("memory routes", () => {
  let ctx: GatewayTestContext;
  let app: Hono;
  let memory: MemoryService;
  beforeAll(async () => {
    ctx = await createGatewayTestContext();
    app = createGatewayApp(ctx);
    memory = createMemory({ db: ctx.db, config: ctx.config, clock: ctx.clock });
  });
  afterAll(() => ctx.db.close());
  beforeEach(async () => {
    await ctx.db.exec("DELETE FROM memories");
    const general = memory.forAgent("general-agent");
    await general.remember("The user prefers concise answers.", { userId: "u1" });
    await general.remember("The user's cluster runs k3s on Raspberry Pis.", { userId: "u1" });
    await general.remember("The user prefers detailed answers with examples.", { userId: "u2" });
    await memory.forAgent("architect").remember("Chose CloudNativePG for Postgres on k3s.", { userId: "u1" });
  });

  async function get(path: string) {
    const response = await app.request(path);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  const contents = (body: Record<string, unknown>) =>
    (body.memories as MemoryJson[]).map((entry) => entry.content);

  it("searches by similarity within agent and user, with scores and the embedder named", async () => {
    const { status, body } = await get("/memories?q=concise%20answers&user=u1&agent=general-agent");
    expect(status).toBe(200);
    expect(contents(body)).toEqual(["The user prefers concise answers."]);
    expect((body.memories as MemoryJson[])[0]?.score).toBeGreaterThan(0.3);
    expect(body.embedder).toMatchObject({ model: "mesh-six-local-hash-v1", dimensions: 512, local: true });
    expect((body.embedder as { note: string }).note).toContain("EMBEDDING_MODEL");
    // Searching through the API does not count as the agent using the memory.
    expect((body.memories as MemoryJson[])[0]?.lastUsedAt).toBeNull();

    const k3s = await get("/memories?q=k3s&user=u1");
    expect(contents(k3s.body).sort()).toEqual([
      "Chose CloudNativePG for Postgres on k3s.",
      "The user's cluster runs k3s on Raspberry Pis.",
    ]);
    const other = await get("/memories?q=answers&user=u2");
    expect(contents(other.body)).toEqual(["The user prefers detailed answers with examples."]);
    expect(contents((await get("/memories?q=answers&minScore=0.99")).body)).toEqual([]);
  });

  it("lists the newest memories without a query", async () => {
    const { body } = await get("/memories?user=u1&limit=2");
    expect(contents(body)).toHaveLength(2);
    expect(contents((await get("/memories?agent=architect")).body)).toEqual([
      "Chose CloudNativePG for Postgres on k3s.",
    ]);
  });

  it("answers 400 naming the parameter at fault", async () => {
    expect(await get("/memories?limit=0")).toMatchObject({ status: 400, body: { parameter: "limit" } });
    expect(await get("/memories?q=")).toMatchObject({
      status: 400,
      body: {
        parameter: "q",
        error: "invalid query parameter 'q': must not be empty; leave it out to list memories",
      },
    });
    expect(await get("/memories?minScore=2")).toMatchObject({ status: 400, body: { parameter: "minScore" } });
    expect(await get("/memories?since=yesterday")).toMatchObject({
      status: 400,
      body: { parameter: "since" },
    });
    expect(await get("/memories?usr=u1")).toMatchObject({
      status: 400,
      body: {
        parameter: "usr",
        error: "unknown query parameter 'usr'; accepted: q, agent, user, since, limit, minScore",
      },
    });
  });

  it("forgets one memory by id: 200 with it, then 404; 400 for what is not an id", async () => {
    const { body } = await get("/memories?q=concise%20answers&user=u1");
    const id = (body.memories as MemoryJson[])[0]!.id;
    const deleted = await app.request(`/memories/${id}`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toMatchObject({
      memory: { id, content: "The user prefers concise answers." },
    });
    const again = await app.request(`/memories/${id}`, { method: "DELETE" });
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({ error: `no memory with id ${id}; list them with GET /memories` });
    const invalid = await app.request("/memories/42", { method: "DELETE" });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({
      error: "invalid path parameter 'id': must be a memory id (a UUID, as GET /memories lists them)",
      parameter: "id",
    });
  });

  it("forgets everything of a user, of one agent or all", async () => {
    const architect = await app.request("/memories?user=u1&agent=architect", { method: "DELETE" });
    expect(await architect.json()).toEqual({ forgotten: 1 });
    const all = await app.request("/memories?user=u1", { method: "DELETE" });
    expect(await all.json()).toEqual({ forgotten: 2 });
    expect(contents((await get("/memories")).body)).toEqual([
      "The user prefers detailed answers with examples.",
    ]);
    const missing = await app.request("/memories", { method: "DELETE" });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ parameter: "user" });
  });
});
