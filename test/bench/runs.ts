import { randomUUID } from "node:crypto";
import { DBOS } from "@dbos-inc/dbos-sdk";
import { defineEvent } from "@mesh-six/events";
import { deadLetter } from "@mesh-six/function-dead-letter";
import { gateway } from "@mesh-six/function-gateway";
import { orchestrator } from "@mesh-six/function-orchestrator";
import { kafkaBrokerFactory } from "@mesh-six/kafka";
import { loadConfig } from "@mesh-six/shared/config/env";
import { withoutVector } from "@mesh-six/shared/db/missing-vector";
import { createPostgresDb } from "@mesh-six/shared/db/postgres";
import { defineFunction } from "@mesh-six/shared/function/define";
import { type EmbeddedHost, startEmbeddedHost } from "@mesh-six/shared/host/embedded";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import { silentLogger } from "@mesh-six/shared/log/logger";
import { loadMigrations } from "@mesh-six/sql";
import { createServiceDatabase } from "@mesh-six/testing/services";
import { z } from "zod";
import { kafkaService } from "../services/kafka.ts";
import { postgresService } from "../services/postgres.ts";
import { startServices } from "../services/start.ts";
import { percentile, round, writeResult } from "./support/stats.ts";

/**
 * What one step of a durable run costs. A run of `long` steps and one of 1 step, one
 * step per hop (each hop a delivery through the broker: replay, the step, its commit
 * with the run.continued, the publish), on the embedded host and on the kafka host,
 * both on the same PostgreSQL server; the difference divided by the extra steps is the
 * cost of a step hop. The same chain with the hop budget (several cheap steps per hop)
 * gives the cost of a step inside a hop. Against, in the same run: one Postgres commit plus one publish
 * to the same broker, sequentially (the least a hop that crosses a broker can cost);
 * and DBOS Transact running the same chain of steps as a durable workflow on the same
 * server (it checkpoints each step in Postgres but crosses no broker).
 */
const long = 21;
const runs = Number(process.env.BENCH_RUNS_PAIRS ?? 8);

const BenchPing = defineEvent("dev.meshsix.bench.ping", {
  description: "bench: a published event no Trigger takes",
  schema: z.object({ n: z.number() }),
});

/** A chain of `payload.steps` steps; `hopBudgetMs` 0 makes every step a hop of its own. */
function chain(name: string, hopBudgetMs: number) {
  return defineFunction({
    name,
    description: "bench: a chain of steps",
    capabilities: [{ name, weight: 1 }],
    runSettings: { hopBudgetMs },
    async run(input, step) {
      let value = 0;
      for (let index = 0; index < Number(input.steps); index += 1)
        value = await step.do("s", () => value + 1);
      return value;
    },
  });
}
const hopChain = chain("bench-hops", 0);
const hopLessChain = chain("bench-steps", 60_000);

const services = await startServices([postgresService, kafkaService], () => {});
const serverUrl = services.env.MESH_TEST_POSTGRES_URL!;
const kafkaBrokers = services.env.MESH_TEST_KAFKA_BROKERS!;
const databases: { drop(): Promise<void> }[] = [];

async function database(prefix: string) {
  const created = await createServiceDatabase(serverUrl, prefix);
  databases.push(created);
  return created.url;
}

async function meshHost(kind: "embedded" | "kafka"): Promise<EmbeddedHost> {
  const url = await database(`bench_runs_${kind}`);
  const environment = {
    DATABASE_URL: url,
    LOG_LEVEL: "error",
    RATE_LIMIT_PER_MINUTE: "0",
    ...(kind === "kafka" ? { MESH_BROKER: "kafka", KAFKA_BROKERS: kafkaBrokers } : {}),
  };
  const config = loadConfig(environment);
  const topic = `bench-runs-${randomUUID()}`;
  return startEmbeddedHost({
    functions: [gateway, orchestrator, hopChain, hopLessChain, deadLetter],
    environment,
    db: createPostgresDb({ url, max: 8 }),
    kv: createMemoryKv(),
    logger: silentLogger,
    migrations: withoutVector(loadMigrations()),
    ...(kind === "kafka"
      ? {
          createBroker: kafkaBrokerFactory(config, {
            topic,
            consumerGroup: (_namespace, trigger) => `${topic}-${trigger}`,
            consumer: { maxWaitTimeInMs: 10 },
          }),
        }
      : {}),
  });
}

/** Milliseconds from a run's start to its end (the runtime's own clock), for a chain of `steps`. */
async function runOnce(host: EmbeddedHost, capability: string, steps: number): Promise<number> {
  const response = await host.fetch(
    new Request("http://bench/tasks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ capability, payload: { steps } }),
    }),
  );
  const { taskId } = (await response.json()) as { taskId: string };
  for (;;) {
    const { rows } = await host.db.query<{ status: string; created_at: number; finished_at: number | null }>(
      "SELECT status, created_at, finished_at FROM runs WHERE task_id = $1",
      [taskId],
    );
    const run = rows[0];
    if (run?.status === "succeeded" && run.finished_at !== null)
      return Number(run.finished_at) - Number(run.created_at);
    if (run && run.status === "failed") throw new Error(`bench run failed: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Per-step cost: (long chain − 1-step chain) / (long − 1), from `runs` pairs; p50 and mean. */
async function perStep(measure: (steps: number) => Promise<number>) {
  await measure(long);
  await measure(1);
  const samples: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    const longer = await measure(long);
    const shorter = await measure(1);
    samples.push((longer - shorter) / (long - 1));
  }
  return {
    p50Ms: round(percentile(samples, 50)),
    meanMs: round(samples.reduce((sum, sample) => sum + sample, 0) / samples.length),
  };
}

/** One Postgres commit (an insert and an update in a transaction) plus one publish to the host's broker. */
async function commitAndPublish(host: EmbeddedHost) {
  await host.db.exec(
    "CREATE TABLE IF NOT EXISTS bench_steps (id bigserial PRIMARY KEY, run text, n integer); CREATE TABLE IF NOT EXISTS bench_runs (run text PRIMARY KEY, n integer)",
  );
  await host.db.query("INSERT INTO bench_runs VALUES ('r', 0) ON CONFLICT DO NOTHING");
  const samples: number[] = [];
  for (let index = 0; index < runs * (long - 1) + 20; index += 1) {
    const start = performance.now();
    await host.db.transaction(async (tx) => {
      await tx.query("INSERT INTO bench_steps (run, n) VALUES ('r', $1)", [index]);
      await tx.query("UPDATE bench_runs SET n = $1 WHERE run = 'r'", [index]);
    });
    await host.publish(BenchPing.create({ source: "/bench", data: { n: index } }));
    if (index >= 20) samples.push(performance.now() - start);
  }
  return {
    p50Ms: round(percentile(samples, 50)),
    meanMs: round(samples.reduce((sum, sample) => sum + sample, 0) / samples.length),
  };
}

async function dbos() {
  const url = await database("bench_runs_dbos");
  DBOS.setConfig({ name: "mesh-six-bench", systemDatabaseUrl: url, logLevel: "error" } as never);
  const workflow = DBOS.registerWorkflow(
    async (steps: number) => {
      let value = 0;
      for (let index = 0; index < steps; index += 1) {
        value = await DBOS.runStep(async () => value + 1, { name: `s${index}` });
      }
      return value;
    },
    { name: "chain" },
  );
  await DBOS.launch();
  try {
    return await perStep(async (steps) => {
      const start = performance.now();
      await workflow(steps);
      return performance.now() - start;
    });
  } finally {
    await DBOS.shutdown();
  }
}

try {
  const figures: Record<string, unknown> = {
    stepsPerRun: long,
    pairs: runs,
    postgres: "Debian PostgreSQL on loopback",
  };
  const peer = await dbos();
  figures.dbosStep = peer;
  for (const kind of ["embedded", "kafka"] as const) {
    const host = await meshHost(kind);
    try {
      const hop = await perStep((steps) => runOnce(host, "bench-hops", steps));
      const inHop = await perStep((steps) => runOnce(host, "bench-steps", steps));
      figures[`${kind}StepInHop`] = inHop;
      figures[`${kind}StepInHopVsDbosStep`] = round(inHop.p50Ms / peer.p50Ms, 2);
      const baseline = await commitAndPublish(host);
      figures[`${kind}Hop`] = hop;
      figures[`${kind}CommitPlusPublish`] = baseline;
      figures[`${kind}HopVsCommitPlusPublish`] = round(hop.p50Ms / baseline.p50Ms, 2);
      figures[`${kind}HopVsDbosStep`] = round(hop.p50Ms / peer.p50Ms, 2);
    } finally {
      await host.stop();
    }
  }
  writeResult("runs", figures);
} finally {
  for (const created of databases) await created.drop().catch(() => {});
  await services.stop();
}
