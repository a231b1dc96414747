import type { SqlExecutor } from "@mesh-six/shared/ports/db";

/** One accepted delivery, as `webhook_deliveries` keeps it (migration 0012). */
export interface DeliveryRecord {
  readonly provider: "github" | "gitea";
  readonly deliveryId: string;
  readonly eventName: string;
  readonly eventType: string;
  readonly source: string;
  readonly byteLength: number;
  readonly sha256: string;
  readonly contentType: string;
  /** The payload's bytes, kept only when they do not travel in the event. */
  readonly payload?: Uint8Array;
}

/** Records the delivery; false, storing nothing, when it was recorded before (a redelivery). */
export async function recordDelivery(tx: SqlExecutor, record: DeliveryRecord): Promise<boolean> {
  const { rows } = await tx.query(
    `INSERT INTO webhook_deliveries
       (provider, delivery_id, event_name, event_type, source, byte_length, sha256, content_type, payload)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (provider, delivery_id) DO NOTHING
     RETURNING 1`,
    [
      record.provider,
      record.deliveryId,
      record.eventName,
      record.eventType,
      record.source,
      record.byteLength,
      record.sha256,
      record.contentType,
      record.payload
        ? Buffer.from(record.payload.buffer, record.payload.byteOffset, record.payload.byteLength)
        : null,
    ],
  );
  return rows.length > 0;
}

/** The payload kept for a delivery, with its SHA-256; undefined when none is kept. */
export async function storedPayload(
  db: SqlExecutor,
  provider: string,
  deliveryId: string,
): Promise<{ readonly bytes: Uint8Array; readonly sha256: string } | undefined> {
  const { rows } = await db.query<{ payload: Uint8Array | null; sha256: string }>(
    "SELECT payload, sha256 FROM webhook_deliveries WHERE provider = $1 AND delivery_id = $2",
    [provider, deliveryId],
  );
  const row = rows[0];
  if (!row?.payload) return undefined;
  return {
    bytes: new Uint8Array(row.payload.buffer, row.payload.byteOffset, row.payload.byteLength),
    sha256: row.sha256,
  };
}
