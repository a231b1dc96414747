import pg from "pg";
import type { Db } from "../ports/db.ts";
import { explainMissingVector, serverOf } from "./missing-vector.ts";
import { createPoolDb, type DriverPool } from "./pool.ts";
import { sameTypesAsPglite } from "./types.ts";

export interface PostgresSettings {
  /** `postgres://user:password@host:port/database?sslmode=…` */
  readonly url: string;
  /** Most connections the pool opens; 10 when omitted. */
  readonly max?: number;
  /** Give up connecting after this many milliseconds; 10 000 when omitted. */
  readonly connectTimeoutMs?: number;
}

/**
 * Any Postgres server over TCP, through node-postgres's pool. A statement that needs
 * pgvector on a server without it fails with a ConfigError saying how to fix that.
 */
export function createPostgresDb(settings: PostgresSettings): Db {
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.max ?? 10,
    connectionTimeoutMillis: settings.connectTimeoutMs ?? 10_000,
    types: sameTypesAsPglite(pg.types.getTypeParser),
  });
  // An idle connection that the server drops must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  return createPoolDb(pool as unknown as DriverPool, {
    driver: "postgres",
    explainError: explainMissingVector(serverOf(settings.url)),
  });
}
