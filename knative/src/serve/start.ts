import type { AddressInfo } from "node:net";
import type { HttpFunction } from "@google-cloud/functions-framework";
import { systemClock } from "@mesh-six/shared/clock";
import { type ApiKeysConfig, apiKeysConfig } from "@mesh-six/shared/config/access";
import { loadConfig } from "@mesh-six/shared/config/env";
import { presentIn } from "@mesh-six/shared/config/read";
import { connectDb } from "@mesh-six/shared/db/connect";
import { ConfigError, errorMessage } from "@mesh-six/shared/errors";
import { includesConfig, readFunctionConfig } from "@mesh-six/shared/function/config";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { createKnativeHost } from "@mesh-six/shared/host/knative";
import { readKnativeEnvironment } from "@mesh-six/shared/host/knative-env";
import { createSinkPublisher } from "@mesh-six/shared/host/knative-sink";
import { describeAddress, listenAddress } from "@mesh-six/shared/host/listen";
import { connectKv } from "@mesh-six/shared/kv/connect";
import { acceptedEntry, recordMeshEvent } from "@mesh-six/shared/log/event-log";
import { createLogger } from "@mesh-six/shared/log/logger";
import type { FunctionServicesFactory } from "./agent-services.ts";
import { type FrameworkOptions, frameworkServer } from "./framework-server.ts";
import { frameworkFunction } from "./functions-framework.ts";

/** How often a running instance republishes follow-ups a crash left in the outbox. */
const sweepEveryMs = 60_000;

export interface LoadSettings {
  /**
   * Serve the function on PORT with the functions-framework's server, as `node index.mjs`
   * does (the Dockerfile's command). False when the framework's CLI loaded the module
   * (`functions-framework --target=<name> --source=index.mjs`, as buildpacks and
   * `kn func` run it): the CLI serves the returned function itself.
   */
  readonly serve: boolean;
  /**
   * `ctx.llm` and `ctx.memory`, for a function whose config includes `llmConfig` or
   * `memoryConfig` (agent-services.ts); the bundles of the others carry neither the AI SDK
   * nor the memory code.
   */
  readonly services?: FunctionServicesFactory;
}

/**
 * Loads one function as its Knative Service runs it: the platform's configuration and the
 * function's own (its `config`) from the environment (a wrong or missing value stops the
 * process naming the variable), Postgres from DATABASE_URL, Upstash or the in-process Kv
 * (checked), the LLM and memory its config asks for, follow-ups signed with MESH_EVENT_KEY
 * and POSTed to K_SINK. Returns the HTTP function the functions-framework calls; a bundle
 * exports it under the function's name, which is how the framework's loader finds
 * `--target`. With `serve`, the framework's own server (`getServer`, what its CLI listens
 * with) serves it on PORT, on every interface (Knative's queue-proxy reaches the container
 * from outside it) unless HOST says otherwise, and SIGTERM (Knative scaling down) lets open
 * requests finish.
 */
export async function loadKnativeFunction(
  definition: FunctionDefinition,
  settings: LoadSettings,
): Promise<HttpFunction> {
  let ready: Awaited<ReturnType<typeof prepare>>;
  let options: FrameworkOptions | undefined;
  try {
    if (settings.serve) options = frameworkOptions(definition.name);
    ready = await prepare(definition, settings.services);
  } catch (error) {
    const reason = error instanceof ConfigError ? error.message : errorMessage(error);
    process.stderr.write(`${definition.name}: cannot start: ${reason}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
  const { logger, host } = ready;
  const httpFunction = frameworkFunction(host.fetch);
  const sweep = () =>
    host.sweepOutbox().catch((error) => logger.warn("outbox sweep failed", { error: errorMessage(error) }));
  void sweep();
  setInterval(sweep, sweepEveryMs).unref();
  if (options) await serve(definition, httpFunction, options, ready);
  else logger.info(`${definition.name} is loaded; the functions-framework serves it`);
  return httpFunction;
}

/**
 * The functions-framework's own settings from the environment (CLOUD_RUN_TIMEOUT_SECONDS,
 * IGNORED_ROUTES, …), read and refused as its CLI reads them; the target and the HTTP
 * signature are this function's.
 */
function frameworkOptions(target: string): FrameworkOptions {
  try {
    return { ...frameworkServer.parseOptions([], process.env), target, signatureType: "http" };
  } catch (error) {
    const reason = errorMessage(error);
    const variable = /timeout/i.test(reason) ? "CLOUD_RUN_TIMEOUT_SECONDS" : "FUNCTION_SIGNATURE_TYPE";
    throw new ConfigError(variable, `${reason} (read by the functions-framework); fix or unset it.`);
  }
}

async function serve(
  definition: FunctionDefinition,
  httpFunction: HttpFunction,
  options: FrameworkOptions,
  { config, db, kv, logger, hostname }: Awaited<ReturnType<typeof prepare>>,
): Promise<void> {
  const server = frameworkServer.getServer(httpFunction, options);
  server.setTimeout(0);
  await new Promise<void>((resolve) => server.listen(config.PORT, hostname, resolve));
  const port = (server.address() as AddressInfo).port;
  logger.info(`${definition.name} is serving on port ${port}`, { port, listen: describeAddress(hostname) });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`received ${signal}; finishing open requests`);
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

async function prepare(definition: FunctionDefinition, services: FunctionServicesFactory | undefined) {
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
  // the function's own variables, checked before anything is opened
  const own = readFunctionConfig(definition, process.env);
  const present = presentIn(process.env);
  // only functions whose HTTP routes take API keys (the gateway) serve the API that
  // MESH_API_KEYS guards; the webhook receiver's routes take only signed deliveries
  const keys = includesConfig(definition, apiKeysConfig) ? (own as ApiKeysConfig).MESH_API_KEYS : undefined;
  const hostname =
    definition.http && definition.http.authentication !== "signatures"
      ? listenAddress(
          { HOST: config.HOST, MESH_API_KEYS: keys },
          { fallback: undefined, keysHint: "from the Secret mesh-six-api-keys, key keys (docs/deploy.md)" },
        )
      : config.HOST;
  const logger = createLogger({ level: config.LOG_LEVEL, fields: { function: definition.name } });
  const clock = systemClock;
  const db = await connectDb(config);
  const kv = await connectKv(config, { clock });
  const ports = services ? await services(definition, own, { db, clock, logger }) : {};
  const publish = createSinkPublisher({
    sink: knative.sink,
    extensions: knative.extensions,
    signingKey: config.MESH_EVENT_KEY,
    // the event log (GET /events, the chat and A2A streams) holds what the mesh published
    accepted: (event) =>
      recordMeshEvent(db, acceptedEntry(event)).catch((error: unknown) =>
        logger.warn("could not record a published event in mesh_events", {
          eventId: event.id,
          error: error instanceof Error ? error.message : String(error),
        }),
      ),
  });
  const host = createKnativeHost({
    definition,
    db,
    kv,
    logger,
    clock,
    config: own,
    variable: (name) => present[name],
    eventKey: config.MESH_EVENT_KEY,
    placement: { namespace: config.MESH_NAMESPACE, broker: config.MESH_BROKER_NAME },
    publish,
    ...ports,
  });
  return { config, db, kv, logger, host, hostname };
}
