import { mkdirSync } from "node:fs";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import type { Db, DbTransaction, QueryResult, SqlExecutor } from "../ports/db.ts";
import { createVectorDecoder, type VectorDecoder } from "./vector.ts";

export interface PgliteSettings {
  /** A directory to keep the database in; in memory when omitted. */
  readonly dataDir?: string;
}

/**
 * Real Postgres compiled to WebAssembly, in-process, with pgvector. One connection:
 * queries run one at a time, and a transaction holds the connection until it ends,
 * so never keep one open across slow I/O.
 */
export async function createPgliteDb(settings: PgliteSettings = {}): Promise<Db> {
  if (settings.dataDir) mkdirSync(settings.dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(settings.dataDir ? { dataDir: settings.dataDir } : {}),
    extensions: { vector },
  });
  return wrap(pglite);
}

function executor(target: Pick<PGlite | Transaction, "query">, decode: VectorDecoder): SqlExecutor {
  return {
    async query<Row>(text: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      const result = await target.query<Row>(text, params as unknown[] | undefined);
      const lookup = (sql: string, values: readonly unknown[]) =>
        target.query<Record<string, unknown>>(sql, [...values]);
      const rows = await decode(result.rows, result.fields, lookup);
      // Like node-postgres: the rows returned, else the rows changed.
      return { rows, rowCount: rows.length || (result.affectedRows ?? 0) };
    },
  };
}

function wrap(pglite: PGlite): Db {
  const decode = createVectorDecoder();
  const transaction = (tx: Transaction): DbTransaction => ({
    ...executor(tx, decode),
    async exec(script) {
      await tx.exec(script);
    },
  });
  return {
    driver: "pglite",
    ...executor(pglite, decode),
    transaction: (work) => pglite.transaction((tx) => work(transaction(tx))),
    async exec(script) {
      await pglite.exec(script);
    },
    close: () => pglite.close(),
  };
}
