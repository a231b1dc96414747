import { ConfigError } from "../errors.ts";
import type { Db } from "../ports/db.ts";
import type { Logger } from "../ports/logger.ts";

/** The vector length of `memories.embedding` (its typmod); undefined when the table is missing. */
export async function memoryColumnDimensions(db: Db): Promise<number | undefined> {
  const { rows } = await db.query<{ dimensions: number }>(
    `SELECT atttypmod AS dimensions FROM pg_attribute
      WHERE attrelid = to_regclass('memories') AND attname = 'embedding' AND NOT attisdropped`,
  );
  return rows[0] ? Number(rows[0].dimensions) : undefined;
}

/**
 * Makes `memories.embedding` hold vectors of `dimensions` numbers. The migration creates it
 * with the default length; when the configuration says otherwise and the table is empty,
 * the column is resized and its HNSW index rebuilt. Once memories are stored at another
 * length, this stops with an error naming EMBEDDING_DIMENSIONS, as re-embedding them is a
 * decision for a person.
 */
export async function ensureMemorySchema(db: Db, dimensions: number, logger?: Logger): Promise<void> {
  if (!(Number.isInteger(dimensions) && dimensions >= 1 && dimensions <= 2000)) {
    throw new ConfigError(
      "EMBEDDING_DIMENSIONS",
      `must be a whole number from 1 to 2000 (an HNSW index limit), got ${dimensions}`,
    );
  }
  const current = await memoryColumnDimensions(db);
  if (current === undefined) {
    throw new Error(
      "the memories table does not exist; run the migrations (sql/migrations/0003_memory.sql) first",
    );
  }
  if (current === dimensions) return;
  await db.transaction(async (tx) => {
    await tx.query("LOCK TABLE memories IN ACCESS EXCLUSIVE MODE");
    const { rows } = await tx.query<{ count: number }>("SELECT count(*)::int AS count FROM memories");
    const count = Number(rows[0]?.count ?? 0);
    if (count > 0) {
      throw new ConfigError(
        "EMBEDDING_DIMENSIONS",
        `is ${dimensions} but the ${count} stored memories have vectors of ${current} numbers; set EMBEDDING_DIMENSIONS=${current} (with the embedding model that made them), or delete the memories (DELETE FROM memories) to start over at ${dimensions}`,
      );
    }
    await tx.exec(`DROP INDEX IF EXISTS memories_embedding;
      ALTER TABLE memories ALTER COLUMN embedding TYPE vector(${dimensions});
      CREATE INDEX memories_embedding ON memories USING hnsw (embedding vector_cosine_ops);`);
  });
  logger?.info("resized the empty memories.embedding column to EMBEDDING_DIMENSIONS", {
    from: current,
    to: dimensions,
  });
}
