import { createHash } from "node:crypto";
import { type MeshEvent, storedWebhookPayload, webhookPayloadExtension } from "@mesh-six/events";
import { dataBytes, dataValue } from "@mesh-six/shared/broker/event-data";
import { NonRetryableError } from "@mesh-six/shared/errors";
import type { SqlExecutor } from "@mesh-six/shared/ports/db";
import { storedPayload } from "./store.ts";

/** A webhook's payload as GitHub or Gitea sent it. */
export interface WebhookPayload {
  /** The payload's bytes, exactly as the sender wrote them. */
  readonly bytes: Uint8Array;
  /** True when it was too large to travel in the event and was read from Postgres. */
  readonly stored: boolean;
  /** The payload parsed (a JSON object); call it only when the parsed value is needed. */
  json(): Record<string, unknown>;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The payload of a `dev.meshsix.github.*` or `dev.meshsix.gitea.*` event, for the
 * functions that subscribe to them: the event's data, or, when the event says
 * `meshpayload=stored`, the bytes the webhook receiver kept in `webhook_deliveries`
 * (checked against their SHA-256). Pass the event as the handler got it: its data is read
 * back to the bytes it was parsed from. Throws a NonRetryableError when the event points
 * to a payload that is not there.
 */
export async function readWebhookPayload(db: SqlExecutor, event: MeshEvent): Promise<WebhookPayload> {
  if (event[webhookPayloadExtension] !== "stored") {
    const bytes = dataBytes(event) ?? new Uint8Array();
    return payload(bytes, false);
  }
  const reference = storedWebhookPayload.safeParse(dataValue(event));
  if (!reference.success) {
    throw new NonRetryableError(
      `event ${event.id} says ${webhookPayloadExtension}=stored but its data does not say where: ${reference.error.message}`,
    );
  }
  const { provider, deliveryId, sha256 } = reference.data.stored;
  const kept = await storedPayload(db, provider, deliveryId);
  if (!kept) {
    throw new NonRetryableError(
      `the payload of ${provider} delivery ${deliveryId} is not in webhook_deliveries; was the row deleted?`,
    );
  }
  if (createHash("sha256").update(kept.bytes).digest("hex") !== sha256) {
    throw new NonRetryableError(
      `the payload kept for ${provider} delivery ${deliveryId} does not match its SHA-256`,
    );
  }
  return payload(kept.bytes, true);
}

function payload(bytes: Uint8Array, stored: boolean): WebhookPayload {
  return { bytes, stored, json: () => JSON.parse(utf8.decode(bytes)) as Record<string, unknown> };
}
