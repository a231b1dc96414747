import type { MeshEvent } from "@mesh-six/events";
import { decodeHeaderValue, encodeHeaderValue } from "@mesh-six/shared/broker/header-values";
import { decodeHttpMessage, encodeBinary, type ParseResult } from "@mesh-six/shared/broker/http-binding";

/** A Kafka record as the Kafka broker stores a CloudEvent (binary content mode). */
export interface EventRecord {
  /** The `partitionkey` extension, when the event has one; else no key (spread over partitions). */
  readonly key: string | null;
  /** The event's data, exactly the bytes an HTTP binary-mode body would carry. */
  readonly value: Buffer | null;
  /** `ce_<attribute>` for every attribute, `content-type` for `datacontenttype`. */
  readonly headers: Record<string, string>;
}

/** What a consumer hands back: header values as kafkajs delivers them. */
export interface ReceivedRecord {
  readonly value: Buffer | null;
  readonly headers?: Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;
}

/**
 * The CloudEvents Kafka protocol binding in binary mode, as the Knative Kafka broker
 * writes it: attribute values as plain UTF-8 (`ce_` prefix, no percent-encoding), the key
 * from `partitionkey`. Built on the HTTP binding so data is encoded and parsed the same
 * way on every path (JSON, text and bytes kept exact).
 */
export function eventToRecord(event: MeshEvent): EventRecord {
  const { headers, body } = encodeBinary(event);
  const recordHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name === "content-type") recordHeaders[name] = value;
    else if (name.startsWith("ce-")) recordHeaders[`ce_${name.slice(3)}`] = decodeHeaderValue(value) ?? value;
  }
  const key = event.partitionkey;
  return {
    key: key === undefined || key === null || key === "" ? null : String(key),
    value: body === undefined ? null : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
    headers: recordHeaders,
  };
}

/** The CloudEvent in a record, or why the record is not a valid binary-mode CloudEvent. */
export function recordToEvent(record: ReceivedRecord): ParseResult {
  const headers = new Headers();
  for (const [name, raw] of Object.entries(record.headers ?? {})) {
    const lower = name.toLowerCase();
    if (raw === undefined || (lower !== "content-type" && !lower.startsWith("ce_"))) continue;
    const value = headerText(raw);
    if (value === undefined) return { ok: false, error: `record header ${name} is not UTF-8 text` };
    if (lower === "content-type") headers.set("content-type", value);
    else if (lower.startsWith("ce_")) headers.set(`ce-${lower.slice(3)}`, encodeHeaderValue(value));
  }
  const body = record.value ? new Uint8Array(record.value) : new Uint8Array();
  return decodeHttpMessage({ headers, body });
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function headerText(raw: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  // a repeated header: the last one wins, as in the Kafka binding of the CloudEvents SDKs
  const value = Array.isArray(raw) ? raw.at(-1) : raw;
  if (value === undefined || typeof value === "string") return value;
  try {
    return utf8.decode(value);
  } catch {
    return undefined;
  }
}
