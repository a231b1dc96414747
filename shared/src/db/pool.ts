import type { Db, DbTransaction, QueryResult, SqlExecutor } from "../ports/db.ts";
import { createVectorDecoder, type FieldType } from "./vector.ts";

/** What node-postgres and Neon's driver return for one statement. */
export interface DriverResult {
  rows: Record<string, unknown>[];
  rowCount: number | null;
  fields?: readonly FieldType[];
}

/** A connection taken from a pool; node-postgres and Neon's `PoolClient` fit it. */
export interface PooledConnection {
  query(text: string, params?: unknown[]): Promise<DriverResult | DriverResult[]>;
  release(destroy?: boolean | Error): void;
}

/** node-postgres's `Pool` and Neon's `Pool` fit it. */
export interface DriverPool {
  query(text: string, params?: unknown[]): Promise<DriverResult | DriverResult[]>;
  connect(): Promise<PooledConnection>;
  end(): Promise<void>;
}

export interface PoolDbOptions {
  readonly driver: string;
  /** Runs single statements outside transactions some other way (Neon: over HTTP). */
  readonly query?: (text: string, params: unknown[]) => Promise<DriverResult>;
  /** Replaces a failed statement's error, e.g. with one that says how to fix it. */
  readonly explainError?: (error: unknown) => unknown;
}

type Run = (text: string, params?: unknown[]) => Promise<DriverResult | DriverResult[]>;

/**
 * A Db over a pool of Postgres connections. A transaction takes one connection for its
 * whole life; a script runs as one simple-protocol message, so it may hold many statements.
 */
export function createPoolDb(pool: DriverPool, options: PoolDbOptions): Db {
  const decode = createVectorDecoder();
  const explain = options.explainError ?? ((error: unknown) => error);
  const explained =
    (run: Run): Run =>
    (text, params) =>
      run(text, params).catch((error: unknown) => {
        throw explain(error);
      });
  const executor = (unexplained: Run): SqlExecutor => ({
    async query<Row>(text: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
      const run = explained(unexplained);
      const result = last(await run(text, [...params]));
      const lookup = (sql: string, values: readonly unknown[]) => run(sql, [...values]).then(last);
      const rows = await decode(result.rows, result.fields ?? [], lookup);
      return { rows: rows as Row[], rowCount: result.rowCount ?? rows.length };
    },
  });
  const single = options.query;
  return {
    driver: options.driver,
    ...executor(
      single ? (text, params = []) => single(text, params) : (text, params) => pool.query(text, params),
    ),
    async transaction<T>(work: (tx: DbTransaction) => Promise<T>): Promise<T> {
      const connection = await pool.connect();
      const run: Run = (text, params) => connection.query(text, params);
      let broken: Error | undefined;
      try {
        await connection.query("BEGIN");
        const result = await work({
          ...executor(run),
          async exec(script) {
            await explained(run)(script);
          },
        });
        await connection.query("COMMIT");
        return result;
      } catch (error) {
        await connection.query("ROLLBACK").catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw error;
      } finally {
        // A connection whose rollback failed is in an unknown state: close it, never reuse it.
        connection.release(broken ?? false);
      }
    },
    async exec(script) {
      await explained((text) => pool.query(text))(script);
    },
    close: () => pool.end(),
  };
}

function last(result: DriverResult | DriverResult[]): DriverResult {
  return Array.isArray(result) ? (result.at(-1) ?? { rows: [], rowCount: 0 }) : result;
}
