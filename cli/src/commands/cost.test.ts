import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../mesh.ts";
import { runMesh } from "../run.ts";
import { type GatewayServer, startGatewayServer } from "../testing/gateway-server.ts";
import { createTestIo } from "../testing/io.ts";

describe("mesh cost and mesh budgets", () => {
  let server: GatewayServer;
  beforeAll(async () => {
    server = await startGatewayServer();
    const { clock, db } = server.ctx;
    await clock.advance(Date.parse("2026-03-04T12:00:00Z") - clock.now());
    for (const [at, agent, model, cost, priced] of [
      ["2026-03-04T09:00:00Z", "writer", "gpt-4o", 1.25, true],
      ["2026-03-04T10:00:00Z", "writer", "house-model", 0, false],
      ["2026-03-04T11:00:00Z", "coder", "gpt-4o", 2, true],
    ] as const) {
      await db.query(
        `INSERT INTO llm_usage (model, prompt_tokens, completion_tokens, cost_usd, agent_id, user_id, created_at, priced)
         VALUES ($1, 100, 10, $2, $3, 'alice', $4, $5)`,
        [model, cost, agent, at, priced],
      );
    }
  });
  afterAll(() => server.close());

  async function mesh(...argv: string[]) {
    const io = createTestIo();
    const code = await runMesh([...argv, "--url", server.url], commands, io);
    return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
  }

  it("prints today's spend by agent, naming unpriced calls", async () => {
    const { code, stdout } = await mesh("cost", "--group-by", "agent,model");
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toBe("2026-03-04T00:00:00.000Z – 2026-03-04T12:00:00.000Z");
    expect(lines[1]).toBe(
      "3 calls (0 failed), 330 tokens, $3.25 + 1 unpriced; 0 successful tasks, no cost per task",
    );
    expect(stdout).toContain("unpriced models (add them to LLM_PRICES): house-model");
    expect(stdout).toMatch(/coder\s+1\s+110\s+\$2\.00\s+-/);
    expect(stdout).toMatch(/writer\s+2\s+220\s+\$1\.25 \+ 1 unpriced\s+-/);
    expect(stdout).toMatch(/house-model\s+1\s+110\s+\$0\.00 \+ 1 unpriced/);
  });

  it("refuses periods and dates it cannot report, before asking the mesh", async () => {
    expect(await mesh("cost", "--period", "fortnight")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('a period is "today"'),
    });
    expect(await mesh("cost", "--from", "2026-02-30", "--to", "2026-03-02")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        "--from: period.from: 2026-02-30 does not exist: February 2026 has 28 days",
      ),
    });
    expect(await mesh("cost", "--from", "2026-03-01")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("give both --from and --to"),
    });
    expect(await mesh("cost", "-g", "colour")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--group-by"),
    });
  });

  it("sets, lists and deletes budgets", async () => {
    const set = await mesh(
      "budgets",
      "set",
      "alice-daily",
      "--scope",
      "user",
      "--subject",
      "alice",
      "--period",
      "day",
      "--tokens",
      "1000",
    );
    expect(set).toMatchObject({
      code: 0,
      stdout: "Budget alice-daily: 1000 tokens per day for user alice; over it: reject.\n",
    });
    const listed = await mesh("budgets", "list");
    expect(listed.stdout).toMatch(
      /alice-daily\s+user alice\s+day\s+1000 tokens\s+reject\s+2026-03-05T00:00:00\.000Z\s+alice 33%/,
    );
    expect((await mesh("budgets", "delete", "alice-daily")).stdout).toBe("Deleted budget alice-daily.\n");
    expect((await mesh("budgets", "list")).stdout).toContain("No budgets.");
    expect(await mesh("budgets", "delete", "alice-daily")).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("no budget 'alice-daily'"),
    });
  });

  it("refuses a budget it cannot keep, naming the option", async () => {
    expect(
      await mesh("budgets", "set", "Bad Name", "--scope", "user", "--period", "day", "--tokens", "5"),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("<name>: a budget name is"),
    });
    expect(
      await mesh("budgets", "set", "x", "--scope", "user", "--period", "day", "--tokens", "lots"),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--tokens must be a number"),
    });
    expect(await mesh("budgets", "set", "x", "--scope", "user", "--period", "day")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--tokens: give a limit: tokens, usd or both"),
    });
    expect(
      await mesh(
        "budgets",
        "set",
        "x",
        "--scope",
        "user",
        "--period",
        "day",
        "--usd",
        "1",
        "--on-exceeded",
        "panic",
      ),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--on-exceeded"),
    });
  });
});
