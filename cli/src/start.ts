import { loadConfig } from "@mesh-six/shared/config/env";
import { ConfigError, errorMessage } from "@mesh-six/shared/errors";
import { startEmbeddedHost } from "@mesh-six/shared/host/embedded";
import { serveHost } from "@mesh-six/shared/host/serve";
import { createLogger } from "@mesh-six/shared/log/logger";
import { fleet } from "./fleet.ts";

/** `npm start`: the whole mesh in one process on the embedded host. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`mesh-six: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({ level: config.LOG_LEVEL });
  const host = await startEmbeddedHost({ functions: fleet, config, logger });
  const server = await serveHost(host, config.PORT);
  const url = `http://localhost:${server.port}`;
  logger.info(
    `mesh-six is ready at ${url}: broker ingress ${url}/${config.MESH_NAMESPACE}/${config.MESH_BROKER_NAME}, ` +
      `${fleet.length} functions, data in ${config.MESH_DATA_DIR}`,
    { url, functions: fleet.map((definition) => definition.name) },
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`received ${signal}; stopping (in-flight deliveries finish, the rest resume on next start)`);
    await server.close();
    await host.stop();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  process.stderr.write(`mesh-six failed to start: ${errorMessage(error)}\n`);
  process.exit(1);
});
