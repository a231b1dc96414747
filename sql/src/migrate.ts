import { loadMigrations, type Migration } from "./migrations.ts";

/** The part of the Db port the runner needs; kept here so `sql` depends on nothing. */
export interface MigrationTarget {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<{ rows: Row[] }>;
  exec(script: string): Promise<void>;
}

// Serialises concurrent runners (several pods starting at once) on one Postgres.
const lockKey = 7_306_060;

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each once, in order.
 * Safe to run twice and from several processes at once. Returns the versions applied.
 */
export async function migrate(
  db: MigrationTarget,
  migrations: readonly Migration[] = loadMigrations(),
): Promise<number[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied: number[] = [];
  await db.query("SELECT pg_advisory_lock($1)", [lockKey]);
  try {
    const { rows } = await db.query<{ version: number }>("SELECT version FROM schema_migrations");
    const done = new Set(rows.map((row) => Number(row.version)));
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      try {
        await db.exec(
          `BEGIN;\n${migration.sql}\nINSERT INTO schema_migrations (version, name) VALUES (${migration.version}, '${migration.name}');\nCOMMIT;`,
        );
      } catch (error) {
        await db.exec("ROLLBACK").catch(() => {});
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`migration ${migration.version}_${migration.name} failed: ${reason}`, {
          cause: error,
        });
      }
      applied.push(migration.version);
    }
  } finally {
    await db.query("SELECT pg_advisory_unlock($1)", [lockKey]);
  }
  return applied;
}
