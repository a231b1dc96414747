import type { MeshEvent } from "@mesh-six/events";
import type { SqlExecutor } from "../ports/db.ts";
import { fromOutboxJson } from "./outbox-store.ts";

/** Which unpublished outbox rows to take. */
export interface OutboxSelection {
  /** Only the rows of this function. */
  readonly functionName?: string;
  /** Only the follow-ups of this incoming event (needs `functionName`). */
  readonly cause?: { readonly source: string; readonly eventId: string };
  /** Only rows stored at least this long ago; 0 takes every row. */
  readonly olderThanMs?: number;
  /** Rows per claim; default 100. */
  readonly limit?: number;
  /** How long a claim keeps other publishers off the rows; default 60 s. */
  readonly leaseMs?: number;
}

export interface OutboxPublishSettings {
  readonly db: SqlExecutor;
  readonly publish: (event: MeshEvent) => Promise<void>;
  readonly now: () => number;
}

export interface OutboxPublishResult {
  readonly published: number;
  /** The first publish that failed; its row and those after it stay for a later attempt. */
  readonly failure?: { readonly error: unknown };
}

interface ClaimedRow {
  readonly id: string | number;
  readonly event: MeshEvent | string;
}

/**
 * Claims one batch of unpublished rows (FOR UPDATE SKIP LOCKED, then a lease, so several
 * processes can publish at once without taking the same rows), publishes them in the
 * order they were stored and marks each published. Stops at the first failed publish and
 * releases what is left.
 */
export async function publishOutboxBatch(
  settings: OutboxPublishSettings,
  selection: OutboxSelection,
): Promise<OutboxPublishResult & { readonly claimed: number }> {
  const { db, publish, now } = settings;
  const at = now();
  const { rows } = await db.query<ClaimedRow>(
    `UPDATE outbox SET claimed_until = $1
      WHERE id IN (
        SELECT id FROM outbox
         WHERE published_at IS NULL
           AND (claimed_until IS NULL OR claimed_until <= $2)
           AND created_at <= $3
           AND ($4::text IS NULL OR function_name = $4)
           AND ($5::text IS NULL OR (cause_source = $5 AND cause_id = $6))
         ORDER BY id
         LIMIT $7
         FOR UPDATE SKIP LOCKED)
      RETURNING id, event`,
    [
      at + (selection.leaseMs ?? 60_000),
      at,
      at - (selection.olderThanMs ?? 0),
      selection.functionName ?? null,
      selection.cause?.source ?? null,
      selection.cause?.eventId ?? null,
      selection.limit ?? 100,
    ],
  );
  const claimed = [...rows].sort((a, b) => Number(a.id) - Number(b.id));
  let published = 0;
  for (const [index, row] of claimed.entries()) {
    const event = fromOutboxJson(row.event);
    try {
      await publish(event);
    } catch (error) {
      const rest = claimed.slice(index).map((left) => Number(left.id));
      await db.query("UPDATE outbox SET claimed_until = NULL WHERE id = ANY($1::bigint[])", [rest]);
      return { claimed: claimed.length, published, failure: { error } };
    }
    await db.query("UPDATE outbox SET published_at = $1, claimed_until = NULL WHERE id = $2", [
      now(),
      Number(row.id),
    ]);
    published += 1;
  }
  return { claimed: claimed.length, published };
}

/** Publishes every selected row, batch after batch, until none is left or a publish fails. */
export async function publishOutbox(
  settings: OutboxPublishSettings,
  selection: OutboxSelection,
): Promise<OutboxPublishResult> {
  let published = 0;
  for (;;) {
    const batch = await publishOutboxBatch(settings, selection);
    published += batch.published;
    if (batch.failure) return { published, failure: batch.failure };
    if (batch.claimed < (selection.limit ?? 100)) return { published };
  }
}
