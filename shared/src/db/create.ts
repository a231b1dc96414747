import { join } from "node:path";
import { ConfigError, errorMessage } from "../errors.ts";
import type { Db } from "../ports/db.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import type { NeonSettings } from "./neon.ts";

/** The settings that choose a Db; `loadConfig()`'s result fits. */
export interface DbConfig {
  readonly DATABASE_URL?: string | undefined;
  readonly DATABASE_DRIVER?: string | undefined;
  readonly MESH_DATA_DIR: string;
  /** Neon driver only: a self-hosted WebSocket proxy, `host:port/path` (e.g. a local wsproxy). */
  readonly NEON_WS_PROXY?: string | undefined;
  /** Neon driver only: a self-hosted HTTP query endpoint; without it, a proxied driver uses WebSockets only. */
  readonly NEON_FETCH_ENDPOINT?: string | undefined;
  /** Neon driver only: `wss:` (true, the default) or `ws:` to the proxy. */
  readonly NEON_SECURE_WEBSOCKET?: boolean | undefined;
}

const drivers = ["postgres", "neon", "pglite"] as const;

/**
 * PGlite's buffer pool in MESH_DATA_DIR: 32 MB instead of Postgres's 128 MB, all of
 * which PGlite touches at start. The embedded host's tables are small, and pages beyond
 * it are a read from the operating system's file cache away.
 */
const embeddedSharedBuffers = "32MB";
export type DbDriver = (typeof drivers)[number];

/**
 * The Db the configuration asks for: DATABASE_DRIVER when set, else Neon for a
 * `*.neon.tech` DATABASE_URL, Postgres for any other DATABASE_URL, and PGlite in
 * MESH_DATA_DIR when there is none (a new one copied from a migrated template,
 * `startFromTemplate`). Opens nothing over the network; `connectDb` checks.
 */
export async function createDb(config: DbConfig): Promise<Db> {
  const driver = chooseDriver(config);
  const url = config.DATABASE_URL;
  if (driver === "pglite") {
    if (url) {
      throw new ConfigError(
        "DATABASE_URL",
        "DATABASE_DRIVER=pglite keeps its data in MESH_DATA_DIR and takes no URL: unset DATABASE_URL, or set DATABASE_DRIVER=postgres or neon to use it.",
      );
    }
    const release = lockDataDir(config.MESH_DATA_DIR);
    try {
      const dataDir = join(config.MESH_DATA_DIR, "pglite");
      // each driver is loaded when chosen: the others' packages are never read
      const { createPgliteDb } = await import("./pglite.ts");
      const { startFromTemplate } = await import("./pglite-template.ts");
      await startFromTemplate(dataDir);
      const db = await createPgliteDb({ dataDir, sharedBuffers: embeddedSharedBuffers });
      return {
        ...db,
        close: async () => {
          try {
            await db.close();
          } finally {
            release();
          }
        },
      };
    } catch (error) {
      release();
      throw new ConfigError(
        "MESH_DATA_DIR",
        `cannot open the PGlite database in ${config.MESH_DATA_DIR} (${errorMessage(error)}); if another program changed it, move it away and start again`,
      );
    }
  }
  if (!url) {
    throw new ConfigError(
      "DATABASE_URL",
      `DATABASE_DRIVER=${driver} needs a server: set DATABASE_URL=postgresql://user:password@host:5432/database.`,
    );
  }
  const parsed = parseUrl(url);
  if (driver === "neon") {
    const { createNeonDb } = await import("./neon.ts");
    return createNeonDb(neonSettings(parsed.href, config));
  }
  const { createPostgresDb } = await import("./postgres.ts");
  return createPostgresDb({ url: parsed.href });
}

/**
 * Neon's own service when no proxy is set. Behind a self-hosted WebSocket proxy the server
 * is a plain Postgres: start-up is not pipelined (it may ask for SCRAM, not a cleartext
 * password), and single queries go over HTTP only when NEON_FETCH_ENDPOINT says where.
 */
function neonSettings(url: string, config: DbConfig): NeonSettings {
  const proxy = config.NEON_WS_PROXY;
  const fetchEndpoint = config.NEON_FETCH_ENDPOINT;
  return {
    url,
    ...(proxy ? { wsProxy: proxy, pipelineConnect: false as const } : {}),
    ...(fetchEndpoint ? { fetchEndpoint } : {}),
    ...(config.NEON_SECURE_WEBSOCKET === undefined
      ? {}
      : { useSecureWebSocket: config.NEON_SECURE_WEBSOCKET }),
    httpQueries: fetchEndpoint !== undefined || !proxy,
  };
}

export function chooseDriver(config: Pick<DbConfig, "DATABASE_URL" | "DATABASE_DRIVER">): DbDriver {
  const wanted = config.DATABASE_DRIVER;
  if (wanted) {
    if ((drivers as readonly string[]).includes(wanted)) return wanted as DbDriver;
    throw new ConfigError(
      "DATABASE_DRIVER",
      `unknown driver ${JSON.stringify(wanted)}: use one of ${drivers.join(", ")}, or leave it unset to choose from DATABASE_URL.`,
    );
  }
  if (!config.DATABASE_URL) return "pglite";
  return parseUrl(config.DATABASE_URL).hostname.endsWith(".neon.tech") ? "neon" : "postgres";
}

function parseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      "DATABASE_URL",
      "is not a URL: write it as postgresql://user:password@host:5432/database (percent-encode special characters in the password).",
    );
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new ConfigError(
      "DATABASE_URL",
      `must start with postgresql:// or postgres:// (got ${parsed.protocol}//…); for PGlite unset it.`,
    );
  }
  return parsed;
}
