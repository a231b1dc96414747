import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPostgresDb } from "@mesh-six/shared/db/postgres";
import type { Db } from "@mesh-six/shared/ports/db";
import { type ReplayServer, startReplayServer } from "@mesh-six/testing/openai";
import { createServiceDatabase, type ServiceDatabase, serviceEnv } from "@mesh-six/testing/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CrashHost, startCrashHost } from "../support/crash-process.ts";
import { type RunCrashPoint, runEffectsTable } from "../support/crash-run.ts";

/**
 * A durable run of three steps (a side effect, an LLM call, another side effect; one hop
 * each) whose host is killed with SIGKILL at every point of a hop, then started again.
 * The run always completes; a committed step never runs again; the only repeat is a
 * step whose work was done but not committed when the process died (at-least-once).
 */
describe("a run whose host is killed (SIGKILL) mid-hop, on the PostgreSQL server", () => {
  let database: ServiceDatabase;
  let db: Db;
  let llm: ReplayServer;
  let directory: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    database = await createServiceDatabase(serviceEnv("MESH_TEST_POSTGRES_URL"), "crashruns");
    db = createPostgresDb({ url: database.url, max: 2 });
    llm = await startReplayServer();
    directory = mkdtempSync(join(tmpdir(), "mesh-crash-runs-"));
  });
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await db?.close();
    await database?.drop();
    await llm?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const start = (crash = "", online = true): Promise<CrashHost> =>
    startCrashHost(
      {
        databaseUrl: database.url,
        dataDir: directory,
        env: {
          ...(online
            ? { LLM_BASE_URL: llm.baseURL, LLM_API_KEY: "sk-test" }
            : { LLM_BASE_URL: "", LLM_API_KEY: "" }),
          MESH_TEST_CRASH_RUN: crash,
        },
      },
      children,
    );

  const counts = async (taskId: string) => {
    const { rows } = await db.query<{ one: number; three: number; llm: number }>(
      `SELECT (SELECT count(*)::int FROM run_effects WHERE task_id = $1 AND step = 'one') AS one,
              (SELECT count(*)::int FROM run_effects WHERE task_id = $1 AND step = 'three') AS three,
              (SELECT count(*)::int FROM llm_usage WHERE task_id = $1 AND step = 'two') AS llm`,
      [taskId],
    );
    return rows[0]!;
  };

  const cases: {
    point: RunCrashPoint;
    step: "one" | "two" | "three";
    expected: { one: number; llm: number; three: number };
  }[] = [
    { point: "before-step", step: "one", expected: { one: 1, llm: 1, three: 1 } },
    { point: "after-work", step: "one", expected: { one: 2, llm: 1, three: 1 } },
    { point: "before-publish", step: "one", expected: { one: 1, llm: 1, three: 1 } },
    { point: "after-work", step: "two", expected: { one: 1, llm: 2, three: 1 } },
    { point: "before-publish", step: "two", expected: { one: 1, llm: 1, three: 1 } },
    { point: "before-step", step: "three", expected: { one: 1, llm: 1, three: 1 } },
    { point: "after-work", step: "three", expected: { one: 1, llm: 1, three: 2 } },
  ];

  it.each(cases)(
    "completes after a kill at $point:$step, with committed steps never run again",
    async ({ point, step, expected }) => {
      if (point === cases[0]!.point && step === cases[0]!.step)
        await db.exec(runEffectsTable).catch(() => {});
      const first = await start(`${point}:${step}`);
      const posted = await fetch(`http://127.0.0.1:${first.port}/tasks`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ capability: "crash-run", payload: {} }),
      });
      const { taskId } = (await posted.json()) as { taskId: string };
      expect(await first.exited).toBe(137);

      const second = await start();
      const answer = await fetch(`http://127.0.0.1:${second.port}/tasks/${taskId}?wait=60`);
      const task = (await answer.json()) as { status: string; result: unknown; runId: string };
      expect(task).toMatchObject({
        status: "succeeded",
        result: { one: "one", two: "2 + 2 = 4.", three: "three" },
      });
      expect(await counts(taskId)).toEqual(expected);
      const { rows } = await db.query<{ status: string; attempts: number; name: string }>(
        "SELECT name, status, attempts FROM run_steps WHERE run_id = $1 ORDER BY position",
        [task.runId],
      );
      expect(rows.map((row) => [row.name, row.status])).toEqual([
        ["one", "succeeded"],
        ["two", "succeeded"],
        ["three", "succeeded"],
      ]);
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    },
    120_000,
  );

  const agentCases: {
    point: RunCrashPoint;
    step: string;
    expected: { turn: number; lookup: number; last: number };
  }[] = [
    { point: "after-work", step: "turn", expected: { turn: 2, lookup: 1, last: 1 } },
    { point: "before-step", step: "lookup", expected: { turn: 1, lookup: 1, last: 1 } },
    { point: "after-work", step: "lookup", expected: { turn: 1, lookup: 2, last: 1 } },
    { point: "after-work", step: "turn#2", expected: { turn: 1, lookup: 1, last: 2 } },
  ];

  it.each(agentCases)(
    "an agent (defineAgent, offline model) completes after a kill at $point:$step, no committed LLM turn or tool call repeated",
    async ({ point, step, expected }) => {
      await db.exec(runEffectsTable).catch(() => {});
      const first = await start(`${point}:${step}`, false);
      const posted = await fetch(`http://127.0.0.1:${first.port}/tasks`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ capability: "crash-agent", payload: { query: "use lookup" } }),
      });
      const { taskId } = (await posted.json()) as { taskId: string };
      expect(await first.exited).toBe(137);
      const second = await start("", false);
      const task = (await (
        await fetch(`http://127.0.0.1:${second.port}/tasks/${taskId}?wait=60`)
      ).json()) as {
        status: string;
        result: { answer: string };
      };
      expect(task).toMatchObject({
        status: "succeeded",
        result: { answer: '[offline model] lookup → {"found":42}' },
      });
      const { rows } = await db.query<{ turn: number; lookup: number; last: number }>(
        `SELECT (SELECT count(*)::int FROM llm_usage WHERE task_id = $1 AND step = 'turn') AS turn,
                (SELECT count(*)::int FROM run_effects WHERE task_id = $1 AND step = 'lookup') AS lookup,
                (SELECT count(*)::int FROM llm_usage WHERE task_id = $1 AND step = 'turn#2') AS last`,
        [taskId],
      );
      expect(rows[0]).toEqual(expected);
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    },
    120_000,
  );
});
