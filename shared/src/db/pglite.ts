import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import type { Db, DbTransaction, QueryResult } from "../ports/db.ts";
import { createStatementCache } from "./pglite-statements.ts";
import { createVectorDecoder } from "./vector.ts";

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
  /**
   * Postgres's `shared_buffers`, e.g. "32MB". PGlite's default, 128MB, is touched at
   * start and so held in memory from the first query; pages outside the buffers come from
   * the operating system's file cache. The embedded host uses less (see `createDb`).
   */
  readonly sharedBuffers?: string;
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
    ...(settings.sharedBuffers
      ? { startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${settings.sharedBuffers}`] }
      : {}),
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

function wrap(pglite: PGlite): Db {
  const decode = createVectorDecoder();
  const statements = createStatementCache(pglite);
  // Our own turn-taking on PGlite's one connection: a transaction keeps it from BEGIN to
  // its end, any other call waits (PGlite's transaction() does the same for its own calls).
  const exclusive = createLock();

  // one statement; the caller has the connection
  const run = async <Row>(
    text: string,
    params: readonly unknown[] | undefined,
    inTransaction: boolean,
  ): Promise<QueryResult<Row>> => {
    const result =
      params && params.length > 0
        ? await statements.query<Row>(text, params, inTransaction)
        : await pglite.query<Row>(text);
    const lookup = (sql: string, values: readonly unknown[]) =>
      run<Record<string, unknown>>(sql, values, inTransaction);
    const rows = await decode(result.rows, result.fields, lookup);
    // Like node-postgres: the rows returned, else the rows changed.
    return { rows, rowCount: rows.length || (result.affectedRows ?? 0) };
  };
  const script = async (text: string) => {
    await pglite.exec(text);
    // a script may change the schema under prepared statements
    statements.forgetAll();
  };

  return {
    driver: "pglite",
    query: (text, params) => exclusive(() => run(text, params, false)),
    exec: (text) => exclusive(() => script(text)),
    transaction: (work) =>
      exclusive(async () => {
        await pglite.exec("BEGIN");
        let open = true;
        const ensureOpen = () => {
          if (!open) throw new Error("this transaction has ended; run statements inside its callback");
        };
        const tx: DbTransaction = {
          async query(text, params) {
            ensureOpen();
            return run(text, params, true);
          },
          async exec(text) {
            ensureOpen();
            await script(text);
          },
        };
        try {
          const result = await work(tx);
          open = false;
          await pglite.exec("COMMIT");
          return result;
        } catch (error) {
          if (open) {
            open = false;
            await pglite.exec("ROLLBACK");
          }
          throw error;
        }
      }),
    close: () => exclusive(() => pglite.close()),
  };
}

/** Runs calls one at a time, in the order they came. */
function createLock(): <T>(work: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (work) => {
    const turn = last.then(work);
    last = turn.catch(() => {});
    return turn;
  };
}
