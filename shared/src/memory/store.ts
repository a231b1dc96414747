import { systemClock } from "../clock.ts";
import { toVector } from "../db/vector.ts";
import type { Embedder, EmbedOptions } from "../embeddings/port.ts";
import { NonRetryableError } from "../errors.ts";
import type { LlmCallContext } from "../llm/port.ts";
import type { Clock } from "../ports/clock.ts";
import type { Db, SqlExecutor } from "../ports/db.ts";
import type { Logger } from "../ports/logger.ts";
import type { MemoryFilter, MemoryMatch, MemoryRecord, MemorySearch, NewMemory, Remembered } from "./port.ts";
import { type MemoryRow, memoryColumns, toMatch, toRecord } from "./rows.ts";
import { ensureMemorySchema } from "./schema.ts";

export const maxMemoryLength = 2000;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface MemoryStoreSettings {
  readonly db: Db;
  readonly embedder: Embedder;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Default relevance threshold of `search` (cosine similarity); see `defaultThresholds`. */
  readonly minScore?: number;
  /** A new memory at least this similar to one of the same agent and user replaces it. */
  readonly duplicateScore?: number;
}

/** Cosine-similarity thresholds that suit each kind of embedder. */
export function defaultThresholds(embedder: Pick<Embedder, "local">) {
  return embedder.local ? { minScore: 0.15, duplicateScore: 0.9 } : { minScore: 0.3, duplicateScore: 0.92 };
}

/** Every agent's memories in the `memories` table. */
export interface MemoryStore {
  readonly embedder: Embedder;
  readonly minScore: number;
  readonly duplicateScore: number;
  /** Checks (and, while empty, adapts) the table to the embedder's dimensions; runs once. */
  ready(): Promise<void>;
  /** Stores a memory, or updates the near-identical one of the same agent and user. */
  remember(memory: NewMemory): Promise<Remembered>;
  /** The memories most similar to `query` that pass the filter and the threshold, best first. */
  search(query: string, options?: MemorySearch): Promise<MemoryMatch[]>;
  /** The memories that pass the filter, most recently updated first. */
  list(filter?: MemoryFilter & { readonly limit?: number }): Promise<MemoryRecord[]>;
  get(id: string): Promise<MemoryRecord | undefined>;
  /** Deletes one memory; false when there is none with that id. */
  forget(id: string): Promise<boolean>;
  /** Deletes every memory of a user (of one agent when given); resolves with how many. */
  forgetUser(userId: string, options?: { readonly agent?: string }): Promise<number>;
}

export function createMemoryStore(settings: MemoryStoreSettings): MemoryStore {
  const { db, embedder } = settings;
  const clock = settings.clock ?? systemClock;
  const defaults = defaultThresholds(embedder);
  const minScore = settings.minScore ?? defaults.minScore;
  const duplicateScore = settings.duplicateScore ?? defaults.duplicateScore;
  let readiness: Promise<{ iterativeScan: boolean }> | undefined;
  const ready = () => {
    readiness ??= (async () => {
      await ensureMemorySchema(db, embedder.dimensions, settings.logger);
      return { iterativeScan: await supportsIterativeScan(db) };
    })();
    readiness.catch(() => {
      readiness = undefined;
    });
    return readiness;
  };
  const now = () => new Date(clock.now());

  return {
    embedder,
    minScore,
    duplicateScore,
    ready: async () => {
      await ready();
    },

    async remember(memory) {
      const content = checkedContent(memory.content);
      if (!memory.agent) throw new NonRetryableError("a memory needs the agent that learned it");
      await ready();
      const embedding = toVector(
        await embedder.embed(
          content,
          embedOptions(memory, {
            agentId: memory.agent,
            capability: "memory-storage",
            ...(memory.userId ? { userId: memory.userId } : {}),
          }),
        ),
      );
      const userId = memory.userId ?? null;
      const metadata = JSON.stringify(memory.metadata ?? {});
      return db.transaction(async (tx): Promise<Remembered> => {
        // One writer per agent and user at a time, so two near-identical facts cannot both be inserted.
        await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [
          `memories/${memory.agent}/${userId ?? ""}`,
        ]);
        const nearest = await nearestInScope(tx, {
          embedding,
          agent: memory.agent,
          userId,
          model: embedder.modelId,
        });
        if (nearest && nearest.score >= duplicateScore) {
          const { rows } = await tx.query<MemoryRow>(
            `UPDATE memories SET content = $2, embedding = $3::vector, metadata = metadata || $4::jsonb, updated_at = $5
              WHERE id = $1 RETURNING ${memoryColumns}`,
            [nearest.id, content, embedding, metadata, now()],
          );
          return { action: "updated", memory: toRecord(rows[0]!), previous: nearest.content };
        }
        const { rows } = await tx.query<MemoryRow>(
          `INSERT INTO memories (agent, user_id, content, embedding, embedding_model, metadata, created_at, updated_at)
           VALUES ($1, $2, $3, $4::vector, $5, $6::jsonb, $7, $7) RETURNING ${memoryColumns}`,
          [memory.agent, userId, content, embedding, embedder.modelId, metadata, now()],
        );
        return { action: "inserted", memory: toRecord(rows[0]!) };
      });
    },

    async search(query, options = {}) {
      const limit = checkedLimit(options.limit ?? 5);
      const { iterativeScan } = await ready();
      const embedding = toVector(
        options.embedding
          ? checkedEmbedding(options.embedding, embedder.dimensions)
          : await embedder.embed(query, embedOptions(options, { capability: "memory-search" })),
      );
      const where = filterClause(options, [embedding, embedder.modelId], "embedding_model = $2");
      const sql = `SELECT * FROM (
          SELECT ${memoryColumns}, 1 - (embedding <=> $1::vector) AS score FROM memories
           WHERE ${where.sql} ORDER BY embedding <=> $1::vector LIMIT ${limit}
        ) AS nearest WHERE score >= $${where.params.length + 1} ORDER BY score DESC`;
      const params = [...where.params, options.minScore ?? minScore];
      const rows = await db.transaction(async (tx) => {
        // With a filter, pgvector ≥ 0.8 keeps walking the HNSW graph until `limit` rows pass it.
        if (iterativeScan) await tx.query("SET LOCAL hnsw.iterative_scan = strict_order");
        const result = await tx.query<MemoryRow>(sql, params);
        if (!options.touch || result.rows.length === 0) return result.rows;
        const usedAt = now();
        await tx.query("UPDATE memories SET last_used_at = $2 WHERE id = ANY($1::uuid[])", [
          result.rows.map((row) => row.id),
          usedAt,
        ]);
        return result.rows.map((row) => ({ ...row, last_used_at: usedAt }));
      });
      return rows.map(toMatch);
    },

    async list(filter = {}) {
      const limit = checkedLimit(filter.limit ?? 50, 1000);
      await ready();
      const where = filterClause(filter, [], "true");
      const { rows } = await db.query<MemoryRow>(
        `SELECT ${memoryColumns} FROM memories WHERE ${where.sql} ORDER BY updated_at DESC, id LIMIT ${limit}`,
        where.params,
      );
      return rows.map(toRecord);
    },

    async get(id) {
      if (!uuid.test(id)) return undefined;
      await ready();
      const { rows } = await db.query<MemoryRow>(`SELECT ${memoryColumns} FROM memories WHERE id = $1`, [id]);
      return rows[0] ? toRecord(rows[0]) : undefined;
    },

    async forget(id) {
      if (!uuid.test(id)) return false;
      await ready();
      const { rows } = await db.query("DELETE FROM memories WHERE id = $1 RETURNING id", [id]);
      return rows.length > 0;
    },

    async forgetUser(userId, options = {}) {
      await ready();
      const { rows } = await db.query(
        "DELETE FROM memories WHERE user_id = $1 AND ($2::text IS NULL OR agent = $2) RETURNING id",
        [userId, options.agent ?? null],
      );
      return rows.length;
    },
  };
}

export function isMemoryId(id: string): boolean {
  return uuid.test(id);
}

function checkedContent(text: string): string {
  const content = text.replace(/\s+/g, " ").trim();
  if (content === "") throw new NonRetryableError("a memory needs some content; got an empty text");
  if (content.length > maxMemoryLength) {
    throw new NonRetryableError(
      `a memory holds at most ${maxMemoryLength} characters, got ${content.length}; store one standalone fact per memory`,
    );
  }
  return content;
}

function checkedEmbedding(embedding: readonly number[], dimensions: number): number[] {
  if (embedding.length !== dimensions) {
    throw new RangeError(
      `the query embedding has ${embedding.length} numbers but the embedder's vectors have ${dimensions}; embed the query with the store's embedder`,
    );
  }
  return [...embedding];
}

function checkedLimit(limit: number, max = 100): number {
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= max)) {
    throw new RangeError(`limit must be a whole number from 1 to ${max}, got ${limit}`);
  }
  return limit;
}

/** The signal, and who the embedding is for: the caller's context over the store's defaults. */
function embedOptions(
  options: { readonly signal?: AbortSignal; readonly context?: Partial<LlmCallContext> },
  defaults: Partial<LlmCallContext>,
): EmbedOptions {
  return {
    context: { ...defaults, ...options.context },
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/** SQL conditions for a filter, numbering its parameters after `params`. */
function filterClause(filter: MemoryFilter, params: unknown[], base: string) {
  const conditions = [base];
  const all = [...params];
  const parameter = (value: unknown) => {
    all.push(value);
    return `$${all.length}`;
  };
  if (filter.agent !== undefined) conditions.push(`agent = ${parameter(filter.agent)}`);
  if (filter.userId === null) conditions.push("user_id IS NULL");
  else if (filter.userId !== undefined) conditions.push(`user_id = ${parameter(filter.userId)}`);
  if (filter.kinds !== undefined)
    conditions.push(`metadata->>'kind' = ANY(${parameter([...filter.kinds])}::text[])`);
  if (filter.since !== undefined) {
    conditions.push(`greatest(updated_at, last_used_at) >= ${parameter(filter.since)}::timestamptz`);
  }
  return { sql: conditions.join(" AND "), params: all };
}

/** The most similar memory of one agent and user, by an exact scan of their memories. */
async function nearestInScope(
  tx: SqlExecutor,
  scope: { embedding: string; agent: string; userId: string | null; model: string },
): Promise<{ id: string; content: string; score: number } | undefined> {
  const user = scope.userId === null ? "user_id IS NULL" : "user_id = $4";
  const { rows } = await tx.query<{ id: string; content: string; score: number | string }>(
    // Ordered by the score, not the distance operator, so the HNSW index is not used:
    // an approximate search could miss the duplicate.
    `SELECT id::text AS id, content, 1 - (embedding <=> $1::vector) AS score FROM memories
      WHERE agent = $2 AND embedding_model = $3 AND ${user} ORDER BY score DESC LIMIT 1`,
    scope.userId === null
      ? [scope.embedding, scope.agent, scope.model]
      : [scope.embedding, scope.agent, scope.model, scope.userId],
  );
  const row = rows[0];
  return row ? { id: row.id, content: row.content, score: Number(row.score) } : undefined;
}

async function supportsIterativeScan(db: Db): Promise<boolean> {
  const { rows } = await db.query<{ version: string }>(
    "SELECT extversion AS version FROM pg_extension WHERE extname = 'vector'",
  );
  const [major = 0, minor = 0] = (rows[0]?.version ?? "0.0").split(".").map(Number);
  return major > 0 || minor >= 8;
}
