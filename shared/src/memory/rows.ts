import type { MemoryMatch, MemoryRecord } from "./port.ts";

/** The columns every memory query selects, in the shape `toRecord` reads. */
export const memoryColumns =
  "id::text AS id, agent, user_id, content, metadata, created_at, updated_at, last_used_at";

export interface MemoryRow {
  readonly id: string;
  readonly agent: string;
  readonly user_id: string | null;
  readonly content: string;
  readonly metadata: Record<string, unknown> | null;
  readonly created_at: Date | string;
  readonly updated_at: Date | string;
  readonly last_used_at: Date | string | null;
  readonly score?: number | string;
}

export function toRecord(row: MemoryRow): MemoryRecord {
  return {
    id: row.id,
    agent: row.agent,
    userId: row.user_id,
    content: row.content,
    metadata: row.metadata ?? {},
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at),
  };
}

export function toMatch(row: MemoryRow): MemoryMatch {
  return { ...toRecord(row), score: Number(row.score) };
}
