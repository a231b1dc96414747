import { Client, neon, neonConfig, Pool, types } from "@neondatabase/serverless";
import WebSocket from "ws";
import type { Db } from "../ports/db.ts";
import { createPoolDb, type DriverPool, type DriverResult } from "./pool.ts";
import { sameTypesAsPglite } from "./types.ts";

type Endpoint = string | ((host: string, port: number | string) => string);

export interface NeonSettings {
  /** The Neon connection string (`postgresql://user:password@ep-….neon.tech/db?sslmode=require`). */
  readonly url: string;
  /** Most WebSocket connections the pool opens; 10 when omitted. */
  readonly max?: number;
  /**
   * Single statements outside transactions go over HTTP (one round trip, no WebSocket);
   * true when omitted. Transactions and scripts always use the WebSocket pool.
   */
  readonly httpQueries?: boolean;
  /** The WebSocket class; the `ws` package when omitted. */
  readonly webSocketConstructor?: unknown;
  /** A self-hosted WebSocket proxy, `host:port/path` without the protocol (see Neon's `wsProxy`). */
  readonly wsProxy?: Endpoint;
  /** `wss:` (true, the default) or `ws:` to the proxy. */
  readonly useSecureWebSocket?: boolean;
  /** Pipeline start-up and cleartext password (Neon's default "password"); false for other servers. */
  readonly pipelineConnect?: "password" | false;
  /** Where HTTP queries go (Neon's `fetchEndpoint`). Process-wide in the driver. */
  readonly fetchEndpoint?: Endpoint;
  /** The fetch used for HTTP queries (Neon's `fetchFunction`). Process-wide in the driver. */
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * Neon through `@neondatabase/serverless`: a WebSocket pool for transactions and
 * scripts (one connection each), its HTTP query path for single statements.
 */
export function createNeonDb(settings: NeonSettings): Db {
  const clientConfig = {
    webSocketConstructor: settings.webSocketConstructor ?? WebSocket,
    ...(settings.wsProxy === undefined ? {} : { wsProxy: settings.wsProxy }),
    ...(settings.useSecureWebSocket === undefined ? {} : { useSecureWebSocket: settings.useSecureWebSocket }),
    ...(settings.pipelineConnect === undefined ? {} : { pipelineConnect: settings.pipelineConnect }),
  };
  // The driver keeps these two process-wide only.
  if (settings.fetchEndpoint !== undefined) neonConfig.fetchEndpoint = settings.fetchEndpoint;
  if (settings.fetch !== undefined) neonConfig.fetchFunction = settings.fetch;

  class ConfiguredClient extends Client {
    constructor(config?: ConstructorParameters<typeof Client>[0]) {
      super(config);
      Object.assign(this.neonConfig, clientConfig);
    }
  }
  class ConfiguredPool extends Pool {
    override Client = ConfiguredClient;
  }
  const typeParsers = sameTypesAsPglite(types.getTypeParser as Parameters<typeof sameTypesAsPglite>[0]);
  const pool = new ConfiguredPool({
    connectionString: settings.url,
    max: settings.max ?? 10,
    types: typeParsers,
  });
  pool.on("error", () => {});

  if (settings.httpQueries === false) return createPoolDb(pool as unknown as DriverPool, { driver: "neon" });
  const sql = neon(settings.url);
  return createPoolDb(pool as unknown as DriverPool, {
    driver: "neon",
    // The driver applies `types` per query only, not from neon()'s options.
    query: (text, params) =>
      sql.query(text, params, { fullResults: true, types: typeParsers }) as Promise<DriverResult>,
  });
}
