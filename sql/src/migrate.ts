import { loadMigrations, type Migration } from "./migrations.ts";

/** What the runner needs inside its transaction. */
export interface MigrationSession {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<{ rows: Row[] }>;
  exec(script: string): Promise<void>;
}

/** The part of the Db port the runner needs; kept here so `sql` depends on nothing. */
export interface MigrationTarget {
  transaction<T>(work: (session: MigrationSession) => Promise<T>): Promise<T>;
}

// Serialises concurrent runners (several pods starting at once) on one Postgres.
const lockKey = 7_306_060;

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each once, in order.
 * Safe to run twice and from several processes at once: everything happens in one
 * transaction holding a transaction-scoped advisory lock, so it works through connection
 * pools (a session lock could be taken on one pooled connection and released on another,
 * and does not hold through a transaction-mode pooler such as Neon's) and all pending
 * migrations apply together or not at all. Returns the versions applied.
 */
export async function migrate(
  db: MigrationTarget,
  migrations: readonly Migration[] = loadMigrations(),
): Promise<number[]> {
  return db.transaction(async (session) => {
    await session.query("SELECT pg_advisory_xact_lock($1)", [lockKey]);
    await session.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await session.query<{ version: number }>("SELECT version FROM schema_migrations");
    const done = new Set(rows.map((row) => Number(row.version)));
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      try {
        await session.exec(migration.sql);
        await session.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
          migration.version,
          migration.name,
        ]);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`migration ${migration.version}_${migration.name} failed: ${reason}`, {
          cause: error,
        });
      }
      applied.push(migration.version);
    }
    return applied;
  });
}
