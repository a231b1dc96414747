import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayApp } from "../app.ts";
import { createGatewayTestContext, type GatewayTestContext } from "../testing/context.ts";

describe("cost and budget routes", () => {
  let ctx: GatewayTestContext;
  let app: Hono;
  beforeAll(async () => {
    ctx = await createGatewayTestContext();
    app = createGatewayApp(ctx);
    await ctx.clock.advance(Date.parse("2026-03-04T12:00:00Z") - ctx.clock.now());
    const calls = [
      ["2026-03-04T09:00:00Z", "writer", "alice", "gpt-4o", 200, 1.25],
      ["2026-03-04T10:00:00Z", "writer", "bob", "gpt-4o-mini", 50, 0.25],
      ["2026-03-03T10:00:00Z", "coder", "alice", "gpt-4o", 10, 7],
    ] as const;
    for (const [at, agent, user, model, tokens, cost] of calls) {
      await ctx.db.query(
        `INSERT INTO llm_usage (model, prompt_tokens, completion_tokens, cost_usd, agent_id, user_id, created_at)
         VALUES ($1, $2, 0, $3, $4, $5, $6)`,
        [model, tokens, cost, agent, user, at],
      );
    }
  });
  afterAll(async () => {
    await ctx.db.close();
  });

  const json = async (path: string, init?: RequestInit) => {
    const response = await app.request(path, init);
    // biome-ignore lint/suspicious/noExplicitAny: answers read loosely, field by field, in the assertions
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const put = (name: string, body: unknown) =>
    json(`/budgets/${name}`, {
      method: "PUT",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });

  it("reports today's spend grouped as asked", async () => {
    const { status, body } = await json("/cost?period=today&groupBy=user,model");
    expect(status).toBe(200);
    expect(body.summary).toMatchObject({ calls: 2, tokens: 250, costUsd: 1.5 });
    expect(body.groups.user.map((group: { key: string }) => group.key)).toEqual(["alice", "bob"]);
    expect(body.groups.model.map((group: { costUsd: number }) => group.costUsd)).toEqual([1.25, 0.25]);
    expect(body.trailingWeek.dailyAverageUsd).toBe(1);
  });

  it("reports a range of dates, to excluded", async () => {
    const { body } = await json("/cost?from=2026-03-03&to=2026-03-04");
    expect(body).toMatchObject({ from: "2026-03-03T00:00:00.000Z", to: "2026-03-04T00:00:00.000Z" });
    expect(body.summary).toMatchObject({ calls: 1, costUsd: 7 });
    expect(body.groups.agent.map((group: { key: string }) => group.key)).toEqual(["coder"]);
  });

  it("answers 400 naming the parameter for what it cannot report", async () => {
    const cases: [string, string, RegExp][] = [
      ["/cost?period=fortnight", "period", /a period is "today"/],
      ["/cost?from=2026-02-30&to=2026-03-04", "from", /February 2026 has 28 days/],
      ["/cost?from=2026-03-04&to=2026-03-01", "to", /from must be before to/],
      ["/cost?from=2026-03-01", "to", /give both from and to/],
      ["/cost?period=today&from=2026-03-01&to=2026-03-02", "period", /not both/],
      ["/cost?groupBy=agent,colour", "groupBy", /group by one of agent, capability, model, user, task, day/],
      ["/cost?top=0", "top", /top/],
      ["/cost?colour=red", "colour", /unknown query parameter 'colour'/],
    ];
    for (const [path, parameter, message] of cases) {
      const { status, body } = await json(path);
      expect(status, path).toBe(400);
      expect(body.parameter, path).toBe(parameter);
      expect(body.error, path).toMatch(message);
    }
  });

  it("creates, replaces, shows and deletes a budget, with what it has used", async () => {
    const created = await put("alice-daily", {
      scope: "user",
      subject: "alice",
      period: "day",
      tokens: 1000,
      usd: 5,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "alice-daily",
      tokens: 1000,
      usd: 5,
      onExceeded: "reject",
      fallbackTier: null,
      warnAt: 0.8,
      window: { start: "2026-03-04T00:00:00.000Z", resetsAt: "2026-03-05T00:00:00.000Z" },
      used: [{ subject: "alice", tokens: 200, costUsd: 1.25, share: 0.25 }],
    });
    const replaced = await put("alice-daily", {
      scope: "user",
      subject: "alice",
      period: "week",
      usd: 2,
      onExceeded: "fallback",
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ period: "week", tokens: null, usd: 2, fallbackTier: "local" });
    expect((await json("/budgets")).body.budgets.map((budget: { name: string }) => budget.name)).toEqual([
      "alice-daily",
    ]);
    expect((await json("/budgets/alice-daily")).body.used[0]).toMatchObject({ tokens: 210, costUsd: 8.25 });
    expect((await app.request("/budgets/alice-daily", { method: "DELETE" })).status).toBe(204);
    const gone = await json("/budgets/alice-daily");
    expect(gone.status).toBe(404);
    expect(gone.body.error).toContain("create it with PUT /budgets/alice-daily");
  });

  it("answers 400 naming the field for a budget it cannot keep", async () => {
    const cases: [string, unknown, string, RegExp][] = [
      ["Bad Name", { scope: "user", period: "day", tokens: 1 }, "name", /a budget name is/],
      ["ok", { scope: "team", period: "day", tokens: 1 }, "scope", /scope/],
      ["ok", { scope: "user", period: "fortnight", tokens: 1 }, "period", /period/],
      ["ok", { scope: "user", period: "day" }, "tokens", /give a limit: tokens, usd or both/],
      ["ok", { scope: "user", period: "day", tokens: -5 }, "tokens", /tokens/],
      ["ok", { scope: "user", period: "day", usd: "five" }, "usd", /usd/],
      [
        "ok",
        { scope: "global", subject: "alice", period: "day", usd: 1 },
        "subject",
        /a global budget has no subject/,
      ],
      [
        "ok",
        { scope: "user", period: "day", usd: 1, fallbackTier: "local" },
        "fallbackTier",
        /only with onExceeded/,
      ],
      [
        "ok",
        { scope: "user", period: "day", usd: 1, onExceeded: "fallback", fallbackTier: "strong" },
        "fallbackTier",
        /cheaper tier/,
      ],
      ["ok", { scope: "user", period: "day", usd: 1, warnAt: 1.5 }, "warnAt", /warnAt/],
      ["ok", { scope: "user", period: "day", usd: 1, colour: "red" }, "colour", /unknown field 'colour'/],
    ];
    for (const [name, body, field, message] of cases) {
      const answer = await put(encodeURIComponent(name), body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.field ?? answer.body.parameter, JSON.stringify(body)).toBe(field);
      expect(answer.body.error, JSON.stringify(body)).toMatch(message);
    }
    const notJson = await app.request("/budgets/ok", {
      method: "PUT",
      body: "{",
      headers: { "content-type": "application/json" },
    });
    expect(notJson.status).toBe(400);
    expect((await app.request("/budgets/nothing-here", { method: "DELETE" })).status).toBe(404);
  });
});
