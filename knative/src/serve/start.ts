import type { AddressInfo } from "node:net";
import type { HttpFunction } from "@google-cloud/functions-framework";
import { systemClock } from "@mesh-six/shared/clock";
import { loadConfig } from "@mesh-six/shared/config/env";
import { connectDb } from "@mesh-six/shared/db/connect";
import { ConfigError, errorMessage } from "@mesh-six/shared/errors";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { createKnativeHost } from "@mesh-six/shared/host/knative";
import { readKnativeEnvironment } from "@mesh-six/shared/host/knative-env";
import { createSinkPublisher } from "@mesh-six/shared/host/knative-sink";
import { connectKv } from "@mesh-six/shared/kv/connect";
import { createLogger } from "@mesh-six/shared/log/logger";
import type { AgentServicesFactory } from "./agent-services.ts";
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
   * `ctx.llm` and `ctx.memory` for an agent's handlers (`agentServices`); the other
   * functions get neither, as a host may (FunctionContext), and their bundles carry
   * neither the AI SDK nor the memory code.
   */
  readonly services?: AgentServicesFactory;
}

/**
 * Loads one function as its Knative Service runs it: configuration from the environment
 * (a wrong value stops the process with the variable to fix), Postgres from DATABASE_URL,
 * Upstash or the in-process Kv (checked), for an agent the configured LLM and memory,
 * follow-ups POSTed to K_SINK. Returns the HTTP function the functions-framework calls; a bundle exports it
 * under the function's name, which is how the framework's loader finds `--target`.
 * With `serve`, the framework's own server (`getServer`, what its CLI listens with) serves
 * it on PORT, and SIGTERM (Knative scaling down) lets open requests finish.
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
  { config, db, kv, logger }: Awaited<ReturnType<typeof prepare>>,
): Promise<void> {
  const server = frameworkServer.getServer(httpFunction, options);
  server.setTimeout(0);
  await new Promise<void>((resolve) => server.listen(config.PORT, resolve));
  const port = (server.address() as AddressInfo).port;
  logger.info(`${definition.name} is serving on port ${port}`, { port });

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

async function prepare(definition: FunctionDefinition, services: AgentServicesFactory | undefined) {
  const config = loadConfig();
  if (!config.DATABASE_URL) {
    throw new ConfigError(
      "DATABASE_URL",
      "is not set: a function on Knative keeps its state in Postgres or Neon; set it from the Secret mesh-six-database (key url).",
    );
  }
  const knative = readKnativeEnvironment();
  const logger = createLogger({ level: config.LOG_LEVEL, fields: { function: definition.name } });
  const clock = systemClock;
  const db = await connectDb(config);
  const kv = await connectKv(config, { clock });
  const agent = services ? await services({ db, config, clock, logger }) : undefined;
  const publish = createSinkPublisher({ sink: knative.sink, extensions: knative.extensions });
  const host = createKnativeHost({
    definition,
    db,
    kv,
    logger,
    clock,
    config,
    publish,
    ...(agent ?? {}),
  });
  return { config, db, kv, logger, host };
}
