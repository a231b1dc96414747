import type { MeshEvent } from "@mesh-six/events";
import { NonRetryableError } from "../errors.ts";
import { scanJson } from "../validate/json-scan.ts";
import { attributeNamePattern, contextAttributes, isContextAttribute } from "./attributes.ts";
import { dataBytes, withDataBytes } from "./event-data.ts";
import { isJsonMediaType, isUtf8TextMediaType } from "./media-type.ts";
import { RawJson } from "./raw-json.ts";
import { validateEvent } from "./validate-event.ts";

export { validateEvent } from "./validate-event.ts";

/**
 * An event in memory (see event-data.ts for data): context attributes as strings,
 * extensions with their CloudEvents type (a string, or an Integer or Boolean from the
 * JSON format; binary mode carries every one as a string), data as bytes on every
 * broker path. Stored, it is its attributes as jsonb (types kept) and its data as bytea.
 */
export type ParseResult =
  | { readonly ok: true; readonly event: MeshEvent }
  | { readonly ok: false; readonly error: string };

/** Every attribute of the event, in its order, without data (for jsonb, headers and logs). */
export function attributesOf(event: MeshEvent): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(event)) {
    if (value === undefined || name === "data" || name === "data_base64") continue;
    attributes[name] = value;
  }
  return attributes;
}

/** An event as stored: its attributes as JSON text (for jsonb) and its data bytes (for bytea). */
export interface StoredEvent {
  readonly attributes: string;
  readonly data: Buffer | null;
}

export function toStored(event: MeshEvent): StoredEvent {
  const wire = withDataBytes(event);
  const bytes = wire.data as Uint8Array | undefined;
  return {
    attributes: JSON.stringify(attributesOf(wire)),
    data: bytes === undefined ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  };
}

/**
 * The event `toStored` stored (attributes as the driver returns jsonb, data as bytea).
 * A row stored before data was kept as bytes holds `data`/`data_base64` in its attributes:
 * it reads as it was then. Throws when the attributes are not an event.
 */
export function fromStored(attributes: unknown, data: unknown): MeshEvent {
  const json = typeof attributes === "string" ? (JSON.parse(attributes) as unknown) : attributes;
  const parsed = parseJsonFormat(json, { nullDataIsAbsent: false, validate: false });
  if (!parsed.ok) throw new Error(`stored event is not a CloudEvent: ${parsed.error}`);
  if (!(data instanceof Uint8Array)) return parsed.event;
  return { ...parsed.event, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/**
 * The CloudEvents JSON format of an event, for structured mode and for every view (the
 * event log, dead letters): JSON data exactly as it is (a `RawJson`; write it with
 * `stringifyJson`), UTF-8 text as a string, other bytes as `data_base64`.
 */
export function toJsonFormat(event: MeshEvent): Record<string, unknown> {
  const attributes = attributesOf(event);
  // the context attributes in the spec's order, then the extensions by name
  const json: Record<string, unknown> = {};
  for (const name of contextAttributes) if (name in attributes) json[name] = attributes[name];
  for (const name of Object.keys(attributes).sort()) if (!(name in json)) json[name] = attributes[name];
  const bytes = dataBytes(event);
  if (bytes !== undefined) Object.assign(json, jsonFormatData(bytes, event.datacontenttype));
  return json;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function jsonFormatData(bytes: Uint8Array, contentType: string | undefined) {
  if (isJsonMediaType(contentType)) {
    const text = decodeUtf8(bytes);
    if (text !== undefined && scanJson(text, { maxDepth: Number.POSITIVE_INFINITY }).ok) {
      return { data: new RawJson(text) };
    }
  } else if (isUtf8TextMediaType(contentType)) {
    const text = decodeUtf8(bytes);
    if (text !== undefined) return { data: text };
  }
  return { data_base64: Buffer.from(bytes).toString("base64") };
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * A CloudEvent from a JSON format object whose `data` is already a value (a stored row of
 * before, or code): extensions keep their JSON types, `data_base64` becomes bytes, a data
 * value becomes its bytes (`withDataBytes`). Validated unless `validate` is false.
 */
export function parseJsonFormat(
  json: unknown,
  options: { readonly nullDataIsAbsent?: boolean; readonly validate?: boolean } = {},
): ParseResult {
  if (!json || typeof json !== "object" || Array.isArray(json)) {
    return {
      ok: false,
      error: "a structured-mode event must be a JSON object with specversion, id, source and type",
    };
  }
  const record = json as Record<string, unknown>;
  if (record.data !== undefined && record.data !== null && record.data_base64 !== undefined) {
    return { ok: false, error: 'the event has both "data" and "data_base64"; send only one of them' };
  }
  const event: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record)) {
    if (name === "data" || name === "data_base64" || value === null || value === undefined) continue;
    if (!isContextAttribute(name) && !attributeNamePattern.test(name)) {
      return {
        ok: false,
        error: `extension attribute "${name}" has an invalid name: use lowercase a-z and 0-9 only`,
      };
    }
    event[name] = value;
  }
  if (typeof record.data_base64 === "string") {
    const bytes = decodeBase64(record.data_base64);
    if (!bytes) return { ok: false, error: '"data_base64" is not valid base64' };
    event.data = bytes;
  } else if (record.data_base64 !== undefined && record.data_base64 !== null) {
    return { ok: false, error: '"data_base64" must be a base64 string' };
  } else if (record.data !== undefined && !(record.data === null && options.nullDataIsAbsent !== false)) {
    event.data = record.data;
  }
  let normalized: MeshEvent;
  try {
    normalized = withDataBytes(event as MeshEvent);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const problems = options.validate === false ? [] : validateEvent(normalized);
  if (problems.length > 0) return { ok: false, error: problems.join("; ") };
  return { ok: true, event: normalized };
}

/** The event in the broker's representation: data as bytes (`withDataBytes`), `data_base64` decoded. Does not validate. */
export function normalizeEvent(event: MeshEvent): MeshEvent {
  if (event.data === undefined && typeof event.data_base64 === "string") {
    const { data_base64, ...rest } = event;
    return { ...rest, data: decodeBase64(data_base64) ?? new Uint8Array() } as MeshEvent;
  }
  if (event.data_base64 !== undefined) {
    const { data_base64: _dropped, ...rest } = event;
    return withDataBytes(rest as MeshEvent);
  }
  return withDataBytes(event);
}

/** The context attributes in their canonical order, then the extensions, as strings (for headers and logs). */
export function attributeEntries(event: MeshEvent): [string, string][] {
  const entries: [string, string][] = [];
  for (const name of contextAttributes) {
    const value = event[name];
    if (value !== undefined && value !== null) entries.push([name, String(value)]);
  }
  for (const [name, value] of Object.entries(event)) {
    if (isContextAttribute(name) || name === "data" || name === "data_base64") continue;
    if (value !== undefined && value !== null) entries.push([name, String(value)]);
  }
  return entries;
}

export function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) return undefined;
  return new Uint8Array(Buffer.from(compact, "base64"));
}

/**
 * The event as a broker stores it, or a NonRetryableError listing every problem: what
 * the ingress would refuse (`validateEvent`).
 */
export function publishable(event: MeshEvent): MeshEvent {
  const normalized = normalizeEvent(event);
  const problems = validateEvent(normalized);
  if (problems.length > 0) throw new NonRetryableError(`invalid CloudEvent: ${problems.join("; ")}`);
  return normalized;
}
