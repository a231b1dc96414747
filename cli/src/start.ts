import { embeddedHostConfig } from "@mesh-six/shared/config/host";
import { readConfig } from "@mesh-six/shared/config/read";
import { connectDb } from "@mesh-six/shared/db/connect";
import { ConfigError, errorMessage } from "@mesh-six/shared/errors";
import { listenAddress } from "@mesh-six/shared/host/listen";

/** `npm start`: the whole mesh in one process, on the embedded broker or on Kafka. */
async function main(): Promise<void> {
  const config = readConfig(embeddedHostConfig);
  if (config.MESH_BROKER === "knative") {
    throw new ConfigError(
      "MESH_BROKER",
      "knative is how functions run on a cluster (docs/deploy.md); npm start runs the whole mesh with embedded (the default) or kafka",
    );
  }
  const hostname = listenAddress(config, {
    fallback: "127.0.0.1",
    keysHint:
      "comma-separated name:key:scope[+scope], e.g. MESH_API_KEYS=ops:$(openssl rand -hex 24):read+write+admin",
  });
  // Opening the database takes longest (PGlite: its WebAssembly and Postgres's start):
  // it starts first, and the fleet's code loads meanwhile.
  const opening = connectDb(config);
  opening.catch(() => {}); // awaited below; a failure before then is not unhandled
  const [{ fleet }, { startEmbeddedHost }, { serveHost }, { createLogger }] = await Promise.all([
    import("@mesh-six/fleet"),
    import("@mesh-six/shared/host/embedded"),
    import("@mesh-six/shared/host/serve"),
    import("@mesh-six/shared/log/logger"),
  ]);
  const logger = createLogger({ level: config.LOG_LEVEL });
  // kafkajs is loaded only for the kafka broker
  const createBroker =
    config.MESH_BROKER === "kafka" ? (await import("@mesh-six/kafka")).kafkaBrokerFactory(config) : undefined;
  const db = await opening;
  const host = await startEmbeddedHost({
    functions: fleet,
    environment: process.env,
    logger,
    db,
    ...(createBroker ? { createBroker } : {}),
  }).catch(async (error: unknown) => {
    // a function's configuration refused: nothing ran on the database
    await db.close().catch(() => {});
    throw error;
  });
  const server = await serveHost(host, config.PORT, hostname);
  const url = `http://localhost:${server.port}`;
  logger.info(
    `mesh-six is ready at ${url}: broker ingress ${url}/${config.MESH_NAMESPACE}/${config.MESH_BROKER_NAME}, ` +
      `${fleet.length} functions, ${config.MESH_BROKER} broker, ${host.db.driver} database`,
    {
      url,
      listen: hostname,
      apiKeys: config.MESH_API_KEYS?.length ?? 0,
      functions: fleet.map((definition) => definition.name),
      dataDir: config.MESH_DATA_DIR,
    },
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn(`received ${signal} again; quitting now: unfinished deliveries resume on the next start`);
      process.exit(130);
    }
    stopping = true;
    logger.info(
      `received ${signal}; stopping: deliveries in flight finish, the rest resume on the next start (${signal} again quits at once)`,
    );
    await server.close();
    await host.stop();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`mesh-six: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`mesh-six failed to start: ${errorMessage(error)}\n`);
  process.exit(1);
});
