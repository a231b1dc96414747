import type { MeshEvent } from "@mesh-six/events";
import { type MeshEventEntry, meshEventColumns, meshEventValues } from "../log/event-log.ts";
import type { SqlExecutor } from "../ports/db.ts";
import { fromStored, toStored } from "./event-json.ts";

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

/**
 * Stores an event, a pending delivery due `at` for each named Trigger and its event-log
 * row, in one statement (so atomically, with or without a transaction around it).
 */
export async function storeEvent(
  db: SqlExecutor,
  entry: {
    readonly broker: string;
    readonly event: MeshEvent;
    readonly triggers: readonly string[];
    readonly at: number;
    readonly log: MeshEventEntry;
  },
): Promise<string> {
  const partitionKey = entry.event.partitionkey;
  const stored = toStored(entry.event);
  const { rows } = await db.query<{ seq: number | bigint }>(
    `WITH event AS (
       INSERT INTO broker_events (broker, event, partition_key, data) VALUES ($1, $2::jsonb, $3, $6)
       RETURNING seq
     ), deliveries AS (
       INSERT INTO broker_deliveries (seq, trigger_name, next_attempt_at)
       SELECT event.seq, trigger_name, $5 FROM event, unnest($4::text[]) AS trigger_name
     ), logged AS (
       INSERT INTO mesh_events (${meshEventColumns})
       VALUES ($7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     )
     SELECT seq FROM event`,
    [
      entry.broker,
      stored.attributes,
      partitionKey === undefined || partitionKey === null ? null : String(partitionKey),
      entry.triggers,
      entry.at,
      stored.data,
      ...meshEventValues(entry.log),
    ],
  );
  return String(rows[0]!.seq);
}

/** One Trigger's deliveries to one target, delivered in (next_attempt_at, seq) order. */
export interface Queue {
  readonly trigger: string;
  readonly target: DeliveryTarget;
  /** How many more of its deliveries may start now; 0 reads only when the next one falls due. */
  readonly room: number;
}

export interface QueueRead {
  readonly broker: string;
  readonly now: number;
  readonly queues: readonly Queue[];
  /** Triggers that deliver one event at a time per partition key. */
  readonly ordered: readonly string[];
  /** Deliveries being attempted right now (`deliveryId`), left out. */
  readonly inFlight: readonly string[];
  /** This dispatcher; deliveries other dispatchers hold a live claim on are left out. */
  readonly consumer: string;
}

/** What a dispatcher needs to know of one queue. */
export interface QueueState extends Queue {
  /** Due deliveries it may start now, oldest first, at most `room`. */
  readonly due: PendingDelivery[];
  /** More deliveries are due than it has room for. */
  readonly backlogged: boolean;
  /** When its first delivery not yet due falls due; undefined when none waits. */
  readonly nextDueAt: number | undefined;
}

/**
 * In one statement, each queue's first `room + 1` pending deliveries that are not in
 * flight, not claimed by another dispatcher and, for an ordered Trigger, first in their
 * partition (nothing earlier still pending), in (next_attempt_at, seq) order: the due
 * ones to start, whether more are due, and when the next falls due. Each queue is an
 * index range read (broker_deliveries_queue), so the cost follows `room`, not the backlog.
 * Deliveries another dispatcher has claimed fall due when its claim ends (`nextClaimEnd`).
 */
export async function readQueues(db: SqlExecutor, read: QueueRead): Promise<QueueState[]> {
  const { rows } = await db.query<DueRow>(
    `SELECT d.seq, d.trigger_name, d.target, d.attempts, d.next_attempt_at, d.partition_key, d.event, d.data
       FROM unnest($1::text[], $2::text[], $3::int[]) AS queue (trigger_name, target, room)
      CROSS JOIN LATERAL (
        SELECT d.seq, d.trigger_name, d.target, d.attempts, d.next_attempt_at, e.partition_key,
               CASE WHEN d.target = 'dead-letter-sink' THEN l.event ELSE e.event END AS event,
               CASE WHEN d.target = 'dead-letter-sink' THEN l.data ELSE e.data END AS data
          FROM broker_deliveries d
          JOIN broker_events e ON e.seq = d.seq
          LEFT JOIN dead_letters l ON l.id = d.dead_letter_id
         WHERE d.trigger_name = queue.trigger_name AND d.target = queue.target AND d.status = 'pending'
           AND e.broker = $5
           AND (d.target = 'subscriber' OR l.event IS NOT NULL)
           AND NOT (d.trigger_name || ' ' || d.target || ' ' || d.seq) = ANY($6::text[])
           AND (d.claimed_until IS NULL OR d.claimed_until <= $4 OR d.claimed_by = $7)
           AND NOT (d.target = 'subscriber' AND d.trigger_name = ANY($8::text[]) AND EXISTS (
                 SELECT 1 FROM broker_deliveries p JOIN broker_events pe ON pe.seq = p.seq
                  WHERE p.trigger_name = d.trigger_name AND p.target = 'subscriber' AND p.status = 'pending'
                    AND p.seq < d.seq AND pe.broker = e.broker
                    AND coalesce(pe.partition_key, '') = coalesce(e.partition_key, '')))
         ORDER BY d.next_attempt_at, d.seq
         LIMIT queue.room + 1) d`,
    [
      read.queues.map((queue) => queue.trigger),
      read.queues.map((queue) => queue.target),
      read.queues.map((queue) => queue.room),
      read.now,
      read.broker,
      read.inFlight,
      read.consumer,
      read.ordered,
    ],
  );
  return read.queues.map((queue) => {
    const own = rows.filter((row) => row.trigger_name === queue.trigger && row.target === queue.target);
    const due = own.filter((row) => Number(row.next_attempt_at) <= read.now);
    const waiting = own.find((row) => Number(row.next_attempt_at) > read.now);
    return {
      ...queue,
      due: due.slice(0, queue.room).map((row) => ({
        seq: String(row.seq),
        trigger: row.trigger_name,
        target: row.target,
        attempts: Number(row.attempts),
        event: fromStored(row.event, row.data),
        partitionKey: row.partition_key,
      })),
      backlogged: due.length > queue.room,
      nextDueAt: waiting ? Number(waiting.next_attempt_at) : undefined,
    };
  });
}

/**
 * When the first claim another dispatcher holds on a pending delivery of `triggers` runs
 * out (or that delivery's next attempt, if later); undefined when there is none.
 */
export async function nextClaimEnd(
  db: SqlExecutor,
  query: { readonly now: number; readonly triggers: readonly string[]; readonly consumer: string },
): Promise<number | undefined> {
  const { rows } = await db.query<{ ends: number | string | null }>(
    `SELECT min(greatest(next_attempt_at, claimed_until)) AS ends FROM broker_deliveries
      WHERE status = 'pending' AND claimed_by IS NOT NULL AND claimed_by <> $1 AND claimed_until > $2
        AND trigger_name = ANY($3::text[])`,
    [query.consumer, query.now, query.triggers],
  );
  const ends = rows[0]?.ends;
  return ends === null || ends === undefined ? undefined : Number(ends);
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

/**
 * Drops the claims an earlier run of this dispatcher left: those whose claimant starts
 * with `identity` (`<identity>#<run>`) but is not `consumer`, this run. A process that
 * restarts after a crash takes its deliveries back at once instead of waiting out the lease.
 */
export async function releaseEarlierClaims(
  db: SqlExecutor,
  release: { readonly broker: string; readonly identity: string; readonly consumer: string },
): Promise<number> {
  const prefix = `${release.identity}#`;
  const { rowCount } = await db.query(
    `UPDATE broker_deliveries d SET claimed_by = NULL, claimed_until = NULL
       FROM broker_events e
      WHERE e.seq = d.seq AND e.broker = $1 AND d.status = 'pending' AND d.claimed_by IS NOT NULL
        AND left(d.claimed_by, length($2)) = $2 AND d.claimed_by <> $3`,
    [release.broker, prefix, release.consumer],
  );
  return rowCount;
}

/**
 * Extends every claim `consumer` holds on a pending delivery to `until`: the lease a
 * running dispatcher renews while its deliveries run. Returns how many it renewed.
 */
export async function renewClaims(
  db: SqlExecutor,
  renewal: { readonly consumer: string; readonly until: number },
): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE broker_deliveries SET claimed_until = $2
      WHERE status = 'pending' AND claimed_by = $1 AND claimed_until IS NOT NULL AND claimed_until < $2`,
    [renewal.consumer, renewal.until],
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
  next_attempt_at: number | string;
  trigger_name: string;
  target: DeliveryTarget;
  attempts: number;
  event: unknown;
  data: Uint8Array | null;
  partition_key: string | null;
}
