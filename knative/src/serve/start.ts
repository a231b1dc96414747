import type { AddressInfo } from "node:net";
import { systemClock } from "@mesh-six/shared/clock";
import { loadConfig } from "@mesh-six/shared/config/env";
import { connectDb } from "@mesh-six/shared/db/connect";
import { ConfigError, errorMessage } from "@mesh-six/shared/errors";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { createKnativeHost } from "@mesh-six/shared/host/knative";
import { readKnativeEnvironment } from "@mesh-six/shared/host/knative-env";
import { createSinkPublisher } from "@mesh-six/shared/host/knative-sink";
import { describeAddress, listenAddress } from "@mesh-six/shared/host/listen";
import { connectKv } from "@mesh-six/shared/kv/connect";
import { createLlm } from "@mesh-six/shared/llm/create";
import { createLogger } from "@mesh-six/shared/log/logger";
import { connectMemory } from "@mesh-six/shared/memory/create";
import { functionsFrameworkServer } from "./functions-framework.ts";

/** How often a running instance republishes follow-ups a crash left in the outbox. */
const sweepEveryMs = 60_000;

/**
 * Starts one function as its Knative Service runs it: configuration from the environment
 * (a wrong value stops the process with the variable to fix), Postgres from DATABASE_URL,
 * Upstash or the in-process Kv (checked), the configured LLM and memory, follow-ups POSTed to K_SINK, served by the
 * functions-framework on PORT, on every interface (Knative's queue-proxy reaches the
 * container from outside it) unless HOST says otherwise. Follow-ups are signed with
 * MESH_EVENT_KEY; SIGTERM (Knative scaling down) lets open requests finish.
 */
export async function startKnativeFunction(definition: FunctionDefinition): Promise<void> {
  let ready: Awaited<ReturnType<typeof prepare>>;
  try {
    ready = await prepare(definition);
  } catch (error) {
    const reason = error instanceof ConfigError ? error.message : errorMessage(error);
    process.stderr.write(`${definition.name}: cannot start: ${reason}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
  const { config, db, kv, logger, host, hostname } = ready;
  const server = functionsFrameworkServer(definition.name, host.fetch);
  server.setTimeout(0);
  await new Promise<void>((resolve) => server.listen(config.PORT, hostname, resolve));
  const port = (server.address() as AddressInfo).port;
  logger.info(`${definition.name} is serving on port ${port}`, { port, listen: describeAddress(hostname) });

  const sweep = () =>
    host.sweepOutbox().catch((error) => logger.warn("outbox sweep failed", { error: errorMessage(error) }));
  void sweep();
  const timer = setInterval(sweep, sweepEveryMs);
  timer.unref();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`received ${signal}; finishing open requests`);
    clearInterval(timer);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await db.close().catch(() => {});
    await kv.close().catch(() => {});
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

async function prepare(definition: FunctionDefinition) {
  const config = loadConfig();
  if (!config.DATABASE_URL) {
    throw new ConfigError(
      "DATABASE_URL",
      "is not set: a function on Knative keeps its state in Postgres or Neon; set it from the Secret mesh-six-database (key url).",
    );
  }
  const knative = readKnativeEnvironment();
  if (!config.MESH_EVENT_KEY) {
    throw new ConfigError(
      "MESH_EVENT_KEY",
      "is not set: functions on Knative sign the events they send with it and refuse mesh events without a valid signature; set it from the Secret mesh-six-event-key (key key), the same value in every function (docs/deploy.md).",
    );
  }
  // only functions whose HTTP routes take API keys (the gateway) serve the API that MESH_API_KEYS
  // guards; the webhook receiver's routes take only signed deliveries
  const hostname =
    definition.http && definition.http.authentication !== "signatures"
      ? listenAddress(config, {
          fallback: undefined,
          keysHint: "from the Secret mesh-six-api-keys, key keys (docs/deploy.md)",
        })
      : config.HOST;
  const logger = createLogger({ level: config.LOG_LEVEL, fields: { function: definition.name } });
  const clock = systemClock;
  const db = await connectDb(config);
  const kv = await connectKv(config, { clock });
  const llm = createLlm({ config, db, clock, logger: logger.child({ component: "llm" }) });
  const memory = definition.handler ? await connectMemory({ db, config, llm, clock, logger }) : undefined;
  const publish = createSinkPublisher({
    sink: knative.sink,
    extensions: knative.extensions,
    signingKey: config.MESH_EVENT_KEY,
  });
  const host = createKnativeHost({
    definition,
    db,
    kv,
    logger,
    clock,
    config,
    publish,
    llm,
    ...(memory ? { memory } : {}),
  });
  return { config, db, kv, logger, host, hostname };
}
