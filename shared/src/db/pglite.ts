import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import type { Db, QueryResult, SqlExecutor } from "../ports/db.ts";

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
  const pglite = await PGlite.create({
    ...(settings.dataDir ? { dataDir: settings.dataDir } : {}),
    extensions: { vector },
  });
  return wrap(pglite);
}

function executor(target: Pick<PGlite, "query">): SqlExecutor {
  return {
    async query<Row>(text: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      const result = await target.query<Row>(text, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
  };
}

function wrap(pglite: PGlite): Db {
  return {
    driver: "pglite",
    ...executor(pglite),
    transaction: (work) => pglite.transaction((tx) => work(executor(tx))),
    async exec(script) {
      await pglite.exec(script);
    },
    close: () => pglite.close(),
  };
}
