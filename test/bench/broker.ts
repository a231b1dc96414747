/**
 * Ingress-to-handler throughput and latency of the embedded broker, over real HTTP.
 *
 * Baseline, measured in the same run: a bare node:http server that decodes the same
 * binary-mode CloudEvent and calls the same handler directly (no storage, no broker).
 * The ratio says what durability, Trigger matching, de-duplication and the outbox cost.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineEvent } from "@mesh-six/events";
import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import { defineFunction } from "@mesh-six/shared/function/define";
import { startEmbeddedHost } from "@mesh-six/shared/host/embedded";
import { serveHost } from "@mesh-six/shared/host/serve";
import { silentLogger } from "@mesh-six/shared/log/logger";
import { z } from "zod";
import { countingDb, type QueryCounts } from "./support/counting-db.ts";
import { percentile, round, writeResult } from "./support/stats.ts";

const total = Number(process.env.BENCH_EVENTS ?? 2000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
// BENCH_QUERIES=1 prints the statements sent per event, by SQL text, to stderr.
const listQueries = process.env.BENCH_QUERIES === "1";

const Ping = defineEvent("dev.meshsix.bench.pinged", {
  description: "benchmark event",
  fromOutside: true,
  schema: z.object({ sentAt: z.number(), n: z.number() }),
});

interface Sink {
  latencies: number[];
  received: number;
  done?: () => void;
}

function record(sink: Sink, data: { sentAt: number }): void {
  sink.latencies.push(performance.timeOrigin + performance.now() - data.sentAt);
  sink.received += 1;
  if (sink.received === total) sink.done?.();
}

async function drive(url: string, sink: Sink): Promise<{ seconds: number; cpuMs: number }> {
  const finished = new Promise<void>((resolve) => {
    sink.done = resolve;
  });
  const started = performance.now();
  const cpu = process.cpuUsage();
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const n = next++;
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "ce-specversion": "1.0",
          "ce-id": `bench-${n}`,
          "ce-source": "/bench",
          "ce-type": Ping.type,
        },
        body: JSON.stringify({ sentAt: performance.timeOrigin + performance.now(), n }),
      });
      if (response.status !== 202 && response.status !== 200)
        throw new Error(`ingress answered ${response.status}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await finished;
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - started) / 1000, cpuMs: (used.user + used.system) / 1000 };
}

// CPU time (this process: client, server and database) is steadier than wall time on a loaded machine.
function summary(sink: Sink, { seconds, cpuMs }: { seconds: number; cpuMs: number }) {
  return {
    eventsPerSecond: round(total / seconds, 1),
    cpuMsPerEvent: round(cpuMs / total, 2),
    latencyMs: { p50: round(percentile(sink.latencies, 50)), p99: round(percentile(sink.latencies, 99)) },
  };
}

async function baseline() {
  const sink: Sink = { latencies: [], received: 0 };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const parsed = Ping.schema.safeParse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      response.writeHead(parsed.success ? 202 : 400).end();
      if (parsed.success) record(sink, parsed.data);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const driven = await drive(`http://127.0.0.1:${port}/mesh-six/default`, sink);
  server.close();
  return summary(sink, driven);
}

async function embedded() {
  const sink: Sink = { latencies: [], received: 0 };
  const receiver = defineFunction({
    name: "bench-receiver",
    description: "records when each event arrives",
    subscriptions: [{ name: "pings", attributes: { type: Ping.type } }],
    async handler(event) {
      const parsed = Ping.parse(event);
      if (parsed.ok) record(sink, parsed.data);
    },
  });
  const dataDir = mkdtempSync(join(tmpdir(), "mesh-bench-"));
  const environment = { MESH_DATA_DIR: dataDir, LOG_LEVEL: "error", RATE_LIMIT_PER_MINUTE: "0" };
  // the database the host would open itself (connectDb), counted
  const { db, counts } = countingDb(await createPgliteDb({ dataDir: join(dataDir, "pglite") }));
  const host = await startEmbeddedHost({
    functions: [receiver],
    environment,
    logger: silentLogger,
    db,
    outsideEventTypes: [Ping.type],
  });
  const server = await serveHost(host, 0, "127.0.0.1");
  try {
    const before = { statements: counts.statements, transactions: counts.transactions };
    counts.byText.clear();
    const driven = await drive(`http://127.0.0.1:${server.port}/mesh-six/default`, sink);
    if (listQueries) printQueries(counts);
    return {
      ...summary(sink, driven),
      perEvent: {
        statements: round((counts.statements - before.statements) / total, 2),
        transactions: round((counts.transactions - before.transactions) / total, 2),
      },
    };
  } finally {
    await server.close();
    await host.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function printQueries(counts: QueryCounts): void {
  const lines = [...counts.byText].sort((a, b) => b[1] - a[1]);
  for (const [text, count] of lines)
    process.stderr.write(`${(count / total).toFixed(2).padStart(7)}  ${text}\n`);
}

const bare = await baseline();
const broker = await embedded();
writeResult("broker", {
  description:
    "ingress → handler through the embedded broker (PGlite on disk, HTTP ingress, Trigger match, durable delivery, inbox/outbox) vs a bare HTTP server calling the handler directly; cpuMsPerEvent is this process's CPU time (client, server and database) per event, steadier than wall time on a loaded machine; perEvent counts the SQL statements (BEGIN and COMMIT included) and transactions per event",
  events: total,
  concurrency,
  baseline: bare,
  embeddedBroker: broker,
  ratio: {
    throughput: round(broker.eventsPerSecond / bare.eventsPerSecond),
    p50Latency: round(broker.latencyMs.p50 / bare.latencyMs.p50, 1),
    p99Latency: round(broker.latencyMs.p99 / bare.latencyMs.p99, 1),
  },
});
