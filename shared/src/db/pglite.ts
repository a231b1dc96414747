import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import type { Db, DbTransaction, QueryResult, SqlExecutor } from "../ports/db.ts";
import { createVectorDecoder, type VectorDecoder } from "./vector.ts";

export interface PgliteSettings {
  /** A directory to keep the database in; in memory when omitted. */
  readonly dataDir?: string;
  /**
   * A new database starts as a copy of this data directory (PGlite's `dumpDataDir` of a
   * freshly initialised one, see `freshClusterDump`) instead of running initdb, which takes
   * seconds. Ignored when `dataDir` holds a database already. Defaults to the one given to
   * `startNewDatabasesFrom`.
   */
  readonly template?: Blob;
}

let defaultTemplate: Blob | undefined;

/**
 * Real Postgres compiled to WebAssembly, in-process, with pgvector. One connection:
 * queries run one at a time, and a transaction holds the connection until it ends,
 * so never keep one open across slow I/O.
 */
export async function createPgliteDb(settings: PgliteSettings = {}): Promise<Db> {
  const { dataDir } = settings;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const template = settings.template ?? defaultTemplate;
  const isNew = !dataDir || !existsSync(join(dataDir, "PG_VERSION"));
  const pglite = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(template && isNew ? { loadDataDir: template } : {}),
    extensions: { vector },
  });
  return wrap(pglite);
}

/** A dump of a freshly initialised data directory (initdb, nothing else), for `template`. */
export async function freshClusterDump(): Promise<Blob> {
  const pglite = await PGlite.create();
  try {
    return await pglite.dumpDataDir("none");
  } finally {
    await pglite.close();
  }
}

/**
 * Makes every later `createPgliteDb` in this process start a new database from `template`
 * (undefined: initdb again). Test runs use it with one dump made per run.
 */
export function startNewDatabasesFrom(template: Blob | undefined): void {
  defaultTemplate = template;
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
