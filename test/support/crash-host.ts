import { TaskRequested } from "@mesh-six/events";
import { fleet } from "@mesh-six/fleet";
import { createEmbeddedBroker } from "@mesh-six/shared/broker/embedded-broker";
import type { Broker } from "@mesh-six/shared/broker/types";
import { loadConfig } from "@mesh-six/shared/config/env";
import { llmConfig } from "@mesh-six/shared/config/llm";
import { readConfig } from "@mesh-six/shared/config/read";
import { connectDb } from "@mesh-six/shared/db/connect";
import { withoutVector } from "@mesh-six/shared/db/missing-vector";
import { startEmbeddedHost } from "@mesh-six/shared/host/embedded";
import { serveHost } from "@mesh-six/shared/host/serve";
import { createLlm } from "@mesh-six/shared/llm/create";
import { createLogger } from "@mesh-six/shared/log/logger";
import { loadMigrations } from "@mesh-six/sql";
import {
  CrashCounted,
  CrashHeld,
  crashCounter,
  crashEcho,
  crashHolder,
  crashPoint,
} from "./crash-functions.ts";
import { crashAgent, crashingBroker, crashingLlm, crashRunner } from "./crash-run.ts";

/**
 * Kills the process when the broker is handed the task.requested MESH_TEST_CRASH names
 * (`before-publish:<requestedBy>`): after POST /tasks committed the task, before its event
 * was stored, the window the outbox closes.
 */
function crashBeforePublish(broker: Broker): Broker {
  return {
    ...broker,
    publish(event) {
      if (TaskRequested.is(event)) {
        const requestedBy = (event.data as { requestedBy?: string } | undefined)?.requestedBy;
        if (requestedBy && crashPoint(requestedBy) === "before-publish") process.kill(process.pid, "SIGKILL");
      }
      return broker.publish(event);
    },
  };
}

/**
 * The fleet plus the crash suites' functions on the configured database, served over
 * HTTP like `npm start`; prints `crash-host ready <port>`. For test/flows/crash.services.test.ts
 * and crash-runs.services.test.ts, which kill it mid-handler or mid-run and start it again.
 */
const config = loadConfig();
const logger = createLogger({ level: config.LOG_LEVEL });
const db = await connectDb(config);
const host = await startEmbeddedHost({
  functions: [...fleet, crashCounter, crashEcho, crashHolder, crashRunner, crashAgent],
  environment: process.env,
  logger,
  db,
  llm: crashingLlm(createLlm({ config: readConfig(llmConfig), db, logger })),
  // The suite's PostgreSQL server has no pgvector; these functions use no memory.
  migrations: withoutVector(loadMigrations()),
  // Finds what another host stored within 0.2 s; a killed host's claims run out within the 5 s lease.
  createBroker: (settings) =>
    crashingBroker(crashBeforePublish(createEmbeddedBroker({ ...settings, pollEveryMs: 200 }))),
  sweepEveryMs: 500,
  // the suites post their own event types to the ingress (crash and takeover)
  outsideEventTypes: [CrashCounted.type, CrashHeld.type],
});
const server = await serveHost(host, config.PORT, "127.0.0.1");
process.stdout.write(`crash-host ready ${server.port}\n`);
process.once("SIGTERM", async () => {
  await server.close();
  await host.stop();
  process.exit(0);
});
