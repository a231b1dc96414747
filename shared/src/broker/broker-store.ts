import type { MeshEvent } from "@mesh-six/events";
import type { SqlExecutor } from "../ports/db.ts";
import { fromStoredJson, toStoredJson } from "./event-json.ts";

/** The embedded broker's rows: the topic (`broker_events`) and one delivery per event and Trigger. */

export type DeliveryTarget = "subscriber" | "dead-letter-sink";

export interface DeliveryKey {
  readonly seq: string;
  readonly trigger: string;
  readonly target: DeliveryTarget;
}

export interface PendingDelivery extends DeliveryKey {
  /** Attempts already made. */
  readonly attempts: number;
  /** The event to deliver: the accepted one, or the dead letter for a dead-letter sink. */
  readonly event: MeshEvent;
  readonly partitionKey: string | null;
}

export function deliveryId(key: DeliveryKey): string {
  return `${key.trigger} ${key.target} ${key.seq}`;
}

/** Stores an event and a pending delivery, due now, for each named Trigger. */
export async function storeEvent(
  tx: SqlExecutor,
  entry: {
    readonly broker: string;
    readonly event: MeshEvent;
    readonly triggers: readonly string[];
    readonly at: number;
  },
): Promise<string> {
  const partitionKey = entry.event.partitionkey;
  const { rows } = await tx.query<{ seq: number | bigint }>(
    "INSERT INTO broker_events (broker, event, partition_key) VALUES ($1, $2::jsonb, $3) RETURNING seq",
    [
      entry.broker,
      JSON.stringify(toStoredJson(entry.event)),
      typeof partitionKey === "string" ? partitionKey : null,
    ],
  );
  const seq = String(rows[0]!.seq);
  if (entry.triggers.length > 0) {
    await tx.query(
      `INSERT INTO broker_deliveries (seq, trigger_name, next_attempt_at)
       SELECT $1::bigint, trigger_name, $3 FROM unnest($2::text[]) AS trigger_name`,
      [seq, entry.triggers, entry.at],
    );
  }
  return seq;
}

export interface ClaimQuery {
  readonly broker: string;
  readonly now: number;
  readonly triggers: readonly string[];
  /** Triggers that deliver one event at a time per partition key. */
  readonly ordered: readonly string[];
  /** Deliveries being attempted right now (`deliveryId`), left out. */
  readonly inFlight: readonly string[];
  /** At most this many per Trigger and target. */
  readonly limit: number;
  /** This dispatcher; deliveries other dispatchers hold a live claim on are left out. */
  readonly consumer: string;
}

/**
 * Pending deliveries that are due, not in flight, not claimed by another dispatcher and,
 * for an ordered Trigger, first in their partition (nothing earlier still pending),
 * oldest due first.
 */
export async function findDue(db: SqlExecutor, query: ClaimQuery): Promise<PendingDelivery[]> {
  const { rows } = await db.query<DueRow>(
    `SELECT seq, trigger_name, target, attempts, event, partition_key FROM (
       SELECT d.seq, d.trigger_name, d.target, d.attempts, d.next_attempt_at, e.partition_key,
              CASE WHEN d.target = 'dead-letter-sink' THEN l.event ELSE e.event END AS event,
              row_number() OVER (PARTITION BY d.trigger_name, d.target ORDER BY d.next_attempt_at, d.seq) AS rank
         FROM broker_deliveries d
         JOIN broker_events e ON e.seq = d.seq
         LEFT JOIN dead_letters l ON l.id = d.dead_letter_id
        WHERE e.broker = $1 AND d.status = 'pending' AND d.next_attempt_at <= $2
          AND d.trigger_name = ANY($3::text[])
          AND NOT (d.trigger_name || ' ' || d.target || ' ' || d.seq) = ANY($5::text[])
          AND (d.claimed_until IS NULL OR d.claimed_until <= $2 OR d.claimed_by = $7)
          AND NOT (d.target = 'subscriber' AND d.trigger_name = ANY($4::text[]) AND EXISTS (
                SELECT 1 FROM broker_deliveries p JOIN broker_events pe ON pe.seq = p.seq
                 WHERE p.trigger_name = d.trigger_name AND p.target = 'subscriber' AND p.status = 'pending'
                   AND p.seq < d.seq AND pe.broker = e.broker
                   AND coalesce(pe.partition_key, '') = coalesce(e.partition_key, '')))
     ) due
     WHERE rank <= $6 AND event IS NOT NULL
     ORDER BY next_attempt_at, seq`,
    [query.broker, query.now, query.triggers, query.ordered, query.inFlight, query.limit, query.consumer],
  );
  return rows.map((row) => ({
    seq: String(row.seq),
    trigger: row.trigger_name,
    target: row.target,
    attempts: Number(row.attempts),
    event: fromStoredJson(row.event),
    partitionKey: row.partition_key,
  }));
}

/**
 * When the next pending delivery falls due after `now` (or another dispatcher's claim on
 * it runs out); undefined when none is waiting.
 */
export async function nextDueAt(
  db: SqlExecutor,
  query: {
    readonly broker: string;
    readonly now: number;
    readonly triggers: readonly string[];
    /** This dispatcher: its own claims do not delay anything. */
    readonly consumer: string;
  },
): Promise<number | undefined> {
  const { rows } = await db.query<{ next: number | string | null }>(
    `SELECT min(due) AS next FROM (
       SELECT CASE WHEN d.claimed_by = $4 THEN d.next_attempt_at
                   ELSE greatest(d.next_attempt_at, coalesce(d.claimed_until, 0)) END AS due
         FROM broker_deliveries d JOIN broker_events e ON e.seq = d.seq
        WHERE e.broker = $1 AND d.status = 'pending' AND d.trigger_name = ANY($3::text[])) pending
      WHERE due > $2`,
    [query.broker, query.now, query.triggers, query.consumer],
  );
  const next = rows[0]?.next;
  return next === null || next === undefined ? undefined : Number(next);
}

export interface AttemptRecord {
  readonly status: "pending" | "delivered" | "dead";
  readonly nextAttemptAt?: number;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
}

/**
 * Claims deliveries found due for `consumer` until each one's `until` (FOR UPDATE SKIP
 * LOCKED, then the claim columns), so that of several dispatchers sharing the database
 * exactly one attempts each. Returns the ids (`deliveryId`) it got; a delivery claimed by
 * another dispatcher in the meantime, or no longer pending, is not among them.
 */
export async function claimDeliveries(
  db: SqlExecutor,
  claim: {
    readonly consumer: string;
    readonly now: number;
    readonly deliveries: readonly (DeliveryKey & { readonly until: number })[];
  },
): Promise<Set<string>> {
  if (claim.deliveries.length === 0) return new Set();
  const { deliveries } = claim;
  const { rows } = await db.query<{ seq: number | bigint; trigger_name: string; target: DeliveryTarget }>(
    `UPDATE broker_deliveries d SET claimed_by = $5, claimed_until = wanted.until
       FROM (
         SELECT c.seq, c.trigger_name, c.target, w.until
           FROM broker_deliveries c
           JOIN unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[]) AS w (seq, trigger_name, target, until)
             ON c.seq = w.seq AND c.trigger_name = w.trigger_name AND c.target = w.target
          WHERE c.status = 'pending' AND c.next_attempt_at <= $6
            AND (c.claimed_until IS NULL OR c.claimed_until <= $6 OR c.claimed_by = $5)
          FOR UPDATE OF c SKIP LOCKED
       ) AS wanted (seq, trigger_name, target, until)
      WHERE d.seq = wanted.seq AND d.trigger_name = wanted.trigger_name AND d.target = wanted.target
      RETURNING d.seq, d.trigger_name, d.target`,
    [
      deliveries.map((delivery) => delivery.seq),
      deliveries.map((delivery) => delivery.trigger),
      deliveries.map((delivery) => delivery.target),
      deliveries.map((delivery) => delivery.until),
      claim.consumer,
      claim.now,
    ],
  );
  return new Set(
    rows.map((row) => deliveryId({ seq: String(row.seq), trigger: row.trigger_name, target: row.target })),
  );
}

/** Drops the claims `consumer` holds on pending deliveries of `broker` (a restart of the only consumer). */
export async function releaseClaims(
  db: SqlExecutor,
  release: { readonly broker: string; readonly consumer?: string },
): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE broker_deliveries d SET claimed_by = NULL, claimed_until = NULL
       FROM broker_events e
      WHERE e.seq = d.seq AND e.broker = $1 AND d.status = 'pending' AND d.claimed_by IS NOT NULL
        AND ($2::text IS NULL OR d.claimed_by = $2)`,
    [release.broker, release.consumer ?? null],
  );
  return rowCount;
}

/** Counts one attempt, records its outcome and drops the claim on the delivery. */
export async function recordAttempt(tx: SqlExecutor, key: DeliveryKey, record: AttemptRecord): Promise<void> {
  await tx.query(
    `UPDATE broker_deliveries
        SET attempts = attempts + 1, status = $4, next_attempt_at = coalesce($5, next_attempt_at),
            last_status = $6, last_error = $7, claimed_by = NULL, claimed_until = NULL
      WHERE seq = $1 AND trigger_name = $2 AND target = $3`,
    [
      key.seq,
      key.trigger,
      key.target,
      record.status,
      record.nextAttemptAt ?? null,
      record.lastStatus,
      record.lastError,
    ],
  );
}

/** A pending delivery of a dead letter to the Trigger's dead-letter sink, due at `at`. */
export async function addDeadLetterSinkDelivery(
  tx: SqlExecutor,
  entry: {
    readonly seq: string;
    readonly trigger: string;
    readonly deadLetterId: string;
    readonly at: number;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO broker_deliveries (seq, trigger_name, target, next_attempt_at, dead_letter_id)
     VALUES ($1, $2, 'dead-letter-sink', $3, $4) ON CONFLICT DO NOTHING`,
    [entry.seq, entry.trigger, entry.at, entry.deadLetterId],
  );
}

interface DueRow {
  seq: number | bigint;
  trigger_name: string;
  target: DeliveryTarget;
  attempts: number;
  event: unknown;
  partition_key: string | null;
}
