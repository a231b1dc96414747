import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TaskCompleted, TaskDispatched, TaskFinished, TaskRequested } from "@mesh-six/events";
import { gateway } from "@mesh-six/function-gateway";
import { orchestrator } from "@mesh-six/function-orchestrator";
import { createEmbeddedBroker } from "@mesh-six/shared/broker/embedded-broker";
import { platformConfig } from "@mesh-six/shared/config/platform";
import { withoutVector } from "@mesh-six/shared/db/missing-vector";
import { NonRetryableError } from "@mesh-six/shared/errors";
import { defineFunction } from "@mesh-six/shared/function/define";
import { type EmbeddedHost, startEmbeddedHost } from "@mesh-six/shared/host/embedded";
import { silentLogger } from "@mesh-six/shared/log/logger";
import { readTask } from "@mesh-six/shared/registry/tasks";
import { loadMigrations } from "@mesh-six/sql";
import { createServiceDatabase, type ServiceDatabase, serviceEnv, until } from "@mesh-six/testing/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Deliveries in flight per Trigger and host: small, so two hosts fill up quickly. */
const concurrency = 4;
const tasks = Array.from({ length: 3 * concurrency }, (_, index) => `parallel-${index + 1}`);

interface Received {
  readonly taskId: string;
  readonly attempt: number;
  /** The host that ran the handler (its data directory). */
  readonly host: string;
}

const received: Received[] = [];
let openGate: () => void = () => {};
const gate = new Promise<void>((resolve) => {
  openGate = resolve;
});

/** An agent whose handler holds every task until the test opens the gate. */
const parallelAgent = defineFunction({
  name: "parallel-agent",
  description: "test agent that waits for the test before answering",
  capabilities: [{ name: "parallel-work", weight: 0.9 }],
  subscriptions: [{ name: "tasks", attributes: { type: TaskDispatched.type, meshagent: "parallel-agent" } }],
  // which host answered: each has its own data folder
  config: platformConfig.pick({ MESH_DATA_DIR: true }),
  async handler(event, ctx) {
    const parsed = TaskDispatched.parse(event);
    if (!parsed.ok) throw new NonRetryableError(parsed.error);
    const { taskId, attempt } = parsed.data;
    received.push({ taskId, attempt, host: ctx.config.MESH_DATA_DIR });
    await gate;
    return [
      ctx.emit(
        TaskCompleted,
        { taskId, agentId: "parallel-agent", attempt, result: { by: "parallel-agent" }, durationMs: 1 },
        { key: `result:${taskId}:${attempt}`, subject: taskId },
      ),
    ];
  },
});

describe("two orchestrator hosts sharing one PostgreSQL server and one Redis (through the Upstash REST proxy)", () => {
  let database: ServiceDatabase;
  const hosts: EmbeddedHost[] = [];
  const directories: string[] = [];

  const startHost = async () => {
    const directory = mkdtempSync(join(tmpdir(), "mesh-concurrency-"));
    directories.push(directory);
    return startEmbeddedHost({
      functions: [orchestrator, gateway, parallelAgent],
      environment: {
        DATABASE_URL: database.url,
        UPSTASH_REDIS_REST_URL: serviceEnv("MESH_TEST_UPSTASH_URL"),
        UPSTASH_REDIS_REST_TOKEN: serviceEnv("MESH_TEST_UPSTASH_TOKEN"),
        MESH_DATA_DIR: directory,
        LOG_LEVEL: "error",
      },
      logger: silentLogger,
      // This server has no pgvector; these flows use no memory.
      migrations: withoutVector(loadMigrations()),
      createBroker: (settings) => createEmbeddedBroker({ ...settings, concurrency }),
      // The sweep is run by the test below, on both hosts at once.
      sweepEveryMs: 3_600_000,
    });
  };

  beforeAll(async () => {
    database = await createServiceDatabase(serviceEnv("MESH_TEST_POSTGRES_URL"), "concurrency");
    hosts.push(...(await Promise.all([startHost(), startHost()])));
  });
  afterAll(async () => {
    openGate();
    for (const host of hosts) await host.stop().catch(() => {});
    await database?.drop();
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  });

  const host = (index: number) => hosts[index % hosts.length]!;
  const count = async (sql: string, params: unknown[] = []) => {
    const { rows } = await host(0).db.query<{ count: number }>(sql, params);
    return Number(rows[0]?.count ?? 0);
  };
  const eventsOfType = (type: string) =>
    host(0).db.query<{ task: string; count: number }>(
      `SELECT convert_from(data, 'UTF8')::jsonb ->> 'taskId' AS task, count(*)::int AS count FROM broker_events
        WHERE event->>'type' = $1 GROUP BY 1 ORDER BY 1`,
      [type],
    );
  // Task events only: both hosts' schedulers also publish the orchestrator's timeout pings.
  const undeliveredTaskEvents = () =>
    count(
      `SELECT count(*)::int AS count FROM broker_deliveries d JOIN broker_events e ON e.seq = d.seq
        WHERE d.status <> 'delivered' AND e.event->>'type' LIKE 'dev.meshsix.task.%'`,
    );
  const each = (count: number) =>
    tasks.map((task) => ({ task, count })).sort((a, b) => (a.task < b.task ? -1 : 1));

  it("dispatches every task once, each to one host, while both hosts take from the same stream", async () => {
    for (const [index, taskId] of tasks.entries()) {
      // alternate ingresses, as a load balancer in front of two pods would
      const response = await host(index).fetch(
        new Request("http://mesh.test/mesh-six/default", {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "ce-specversion": "1.0",
            "ce-id": `request-${taskId}`,
            "ce-source": "/test/concurrency",
            "ce-type": TaskRequested.type,
          },
          body: JSON.stringify({ taskId, capability: "parallel-work", timeout: 3600 }),
        }),
      );
      expect(response.status).toBe(202);
    }
    // Each host holds at most `concurrency` agent deliveries: twice that many at once
    // means both hosts are working the stream, each on tasks of its own.
    await until(`${2 * concurrency} tasks held by the agent`, () => received.length >= 2 * concurrency);
    const byHost = Map.groupBy(received, (entry) => entry.host);
    expect([...byHost.values()].map((entries) => entries.length)).toEqual([concurrency, concurrency]);
    expect(new Set(received.map((entry) => entry.taskId)).size).toBe(received.length);

    openGate();
    await until(
      "every task finished",
      async () => (await eventsOfType(TaskFinished.type)).rows.length === tasks.length,
    );

    expect(received).toHaveLength(tasks.length);
    expect(new Set(received.map((entry) => entry.taskId))).toEqual(new Set(tasks));
    expect(received.every((entry) => entry.attempt === 1)).toBe(true);
    expect((await eventsOfType(TaskDispatched.type)).rows).toEqual(each(1));
    expect((await eventsOfType(TaskCompleted.type)).rows).toEqual(each(1));
    expect((await eventsOfType(TaskFinished.type)).rows).toEqual(each(1));
  });

  it("records each result once in agent_task_history", async () => {
    const { rows } = await host(0).db.query<{ task: string; count: number }>(
      `SELECT task_id AS task, count(*)::int AS count FROM agent_task_history
        WHERE agent_id = 'parallel-agent' GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toEqual(each(1));
    for (const taskId of tasks) {
      const task = await readTask(host(0).db, taskId);
      expect(task?.attempts.map((attempt) => [attempt.agentId, attempt.success])).toEqual([
        ["parallel-agent", true],
      ]);
    }
    expect(await undeliveredTaskEvents()).toBe(0);
  });

  it("republishes each follow-up left unpublished exactly once when both hosts sweep at once, with no second effect", async () => {
    // What a crash between commit and publish leaves: follow-ups stored, never published.
    const { rowCount: left } = await host(0).db.query(
      "UPDATE outbox SET published_at = NULL, created_at = created_at - 3600000 WHERE function_name = 'parallel-agent'",
    );
    expect(left).toBe(tasks.length);
    const historyBefore = await count("SELECT count(*)::int AS count FROM agent_task_history");
    const eventsBefore = await count("SELECT count(*)::int AS count FROM broker_events");

    const sweeps = await Promise.all([0, 1, 0, 1, 0, 1].map((index) => host(index).sweep()));
    expect(sweeps.reduce((sum, published) => sum + published, 0)).toBe(left);
    expect(await count("SELECT count(*)::int AS count FROM outbox WHERE published_at IS NULL")).toBe(0);
    expect(await count("SELECT count(*)::int AS count FROM broker_events")).toBe(eventsBefore + left);
    expect((await eventsOfType(TaskCompleted.type)).rows).toEqual(each(2));

    // Each republished result reaches the orchestrator once more, which sees it has handled it.
    await until("the republished results delivered", async () => (await undeliveredTaskEvents()) === 0);
    await until(
      "the orchestrator to have seen every republished result",
      async () =>
        (await count(
          "SELECT count(*)::int AS count FROM mesh_events WHERE kind = 'handler.duplicate' AND function_name = 'orchestrator' AND event_type = $1",
          [TaskCompleted.type],
        )) === left,
    );
    expect(await count("SELECT count(*)::int AS count FROM agent_task_history")).toBe(historyBefore);
    expect((await eventsOfType(TaskFinished.type)).rows).toEqual(each(1));
    expect(received).toHaveLength(tasks.length);
  });

  it("creates one task for one Idempotency-Key, however many requests carry it to both hosts at once", async () => {
    const body = JSON.stringify({ capability: "nobody-offers-this", payload: { query: "once" } });
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        host(index).fetch(
          new Request("http://mesh.test/tasks", {
            method: "POST",
            headers: { "content-type": "application/json", "idempotency-key": "concurrent-1" },
            body,
          }),
        ),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(202));
    const ids = await Promise.all(
      answers.map(async (answer) => ((await answer.json()) as { taskId: string }).taskId),
    );
    expect(new Set(ids).size).toBe(1);
    expect(answers.filter((answer) => answer.headers.get("idempotent-replayed") === "true")).toHaveLength(7);
    expect(await count("SELECT count(*)::int AS count FROM tasks WHERE payload->>'query' = 'once'")).toBe(1);
    expect(
      await count(
        "SELECT count(*)::int AS count FROM outbox WHERE function_name = 'gateway' AND event_id = $1",
        [ids[0]],
      ),
    ).toBe(1);
  });
});
