import type { MeshEvent } from "@mesh-six/events";
import { NonRetryableError } from "../errors.ts";
import { attributeNamePattern, contextAttributes, isContextAttribute } from "./attributes.ts";
import { validateEvent } from "./validate-event.ts";

export { validateEvent } from "./validate-event.ts";

/**
 * How event data is held in memory (one representation on every path):
 * - JSON data (`datacontenttype` application/json, *+json or absent in the JSON format):
 *   the parsed value;
 * - text (`text/*`, *+xml, a UTF-8 charset, or any string in the JSON format): a string;
 * - any other bytes: a `Uint8Array` in `data`, never `data_base64`.
 * Extension values are strings (a number or boolean in the JSON format becomes its
 * canonical string, as it would on any binary-mode hop).
 * Stored as jsonb (and sent in structured mode) an event is the CloudEvents JSON format:
 * bytes become `data_base64`.
 */
export type ParseResult =
  | { readonly ok: true; readonly event: MeshEvent }
  | { readonly ok: false; readonly error: string };

/** The CloudEvents JSON format object of an event (for jsonb and structured mode). */
export function toStoredJson(event: MeshEvent): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(event)) {
    if (value === undefined || name === "data" || name === "data_base64") continue;
    json[name] = value;
  }
  if (event.data instanceof Uint8Array) json.data_base64 = Buffer.from(event.data).toString("base64");
  else if (event.data !== undefined) json.data = event.data;
  else if (typeof event.data_base64 === "string") json.data_base64 = event.data_base64;
  return json;
}

/** The event stored by `toStoredJson`; throws when the value is not one. */
export function fromStoredJson(json: unknown): MeshEvent {
  const parsed = parseJsonFormat(json, { nullDataIsAbsent: false });
  if (!parsed.ok) throw new Error(`stored event is not a CloudEvent: ${parsed.error}`);
  return parsed.event;
}

/**
 * A CloudEvent from the JSON format (a structured-mode body): validated, extensions as
 * strings, `data_base64` decoded to bytes.
 */
export function parseJsonFormat(json: unknown, options = { nullDataIsAbsent: true }): ParseResult {
  if (!json || typeof json !== "object" || Array.isArray(json)) {
    return {
      ok: false,
      error: "a structured-mode event must be a JSON object with specversion, id, source and type",
    };
  }
  const record = json as Record<string, unknown>;
  if (
    "data" in record &&
    "data_base64" in record &&
    record.data !== undefined &&
    record.data_base64 !== undefined
  ) {
    return { ok: false, error: 'the event has both "data" and "data_base64"; send only one of them' };
  }
  const event: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record)) {
    if (name === "data" || name === "data_base64") continue;
    if (value === null || value === undefined) continue;
    if (isContextAttribute(name)) {
      event[name] = value;
      continue;
    }
    if (!attributeNamePattern.test(name)) {
      return {
        ok: false,
        error: `extension attribute "${name}" has an invalid name: use lowercase a-z and 0-9 only`,
      };
    }
    if (typeof value === "string") event[name] = value;
    else if (typeof value === "boolean" || (typeof value === "number" && Number.isInteger(value))) {
      event[name] = String(value);
    } else {
      return { ok: false, error: `extension attribute "${name}" must be a string, an integer or a boolean` };
    }
  }
  if (typeof record.data_base64 === "string") {
    const bytes = decodeBase64(record.data_base64);
    if (!bytes) return { ok: false, error: '"data_base64" is not valid base64' };
    event.data = bytes;
  } else if (record.data_base64 !== undefined && record.data_base64 !== null) {
    return { ok: false, error: '"data_base64" must be a base64 string' };
  } else if (record.data !== undefined && !(record.data === null && options.nullDataIsAbsent)) {
    event.data = record.data;
  }
  const problems = validateEvent(event as MeshEvent);
  if (problems.length > 0) return { ok: false, error: problems.join("; ") };
  return { ok: true, event: event as MeshEvent };
}

/**
 * The event in the in-memory representation: `data_base64` turned into bytes and every
 * extension value into a string. Does not validate.
 */
export function normalizeEvent(event: MeshEvent): MeshEvent {
  const normalized: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(event)) {
    if (value === undefined || name === "data_base64") continue;
    const keep = name === "data" || isContextAttribute(name) || typeof value === "string";
    normalized[name] = keep ? value : String(value);
  }
  if (event.data === undefined && typeof event.data_base64 === "string") {
    normalized.data = decodeBase64(event.data_base64) ?? new Uint8Array();
  }
  return normalized as MeshEvent;
}

/** The context attributes in their canonical order, then the extensions (for headers and logs). */
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

function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) return undefined;
  return new Uint8Array(Buffer.from(compact, "base64"));
}

/** Postgres text and jsonb cannot hold U+0000. */
export function containsNul(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (Array.isArray(value)) return value.some(containsNul);
  if (value && typeof value === "object") {
    return Object.entries(value).some(([key, inner]) => key.includes("\u0000") || containsNul(inner));
  }
  return false;
}

/**
 * The event as a broker stores it, or a NonRetryableError listing every problem: what
 * the ingress would refuse, and U+0000, which a dead letter in Postgres could not hold.
 */
export function publishable(event: MeshEvent): MeshEvent {
  const normalized = normalizeEvent(event);
  const problems = validateEvent(normalized);
  if (containsNul(toStoredJson(normalized))) {
    problems.push("it contains the character U+0000, which Postgres cannot store; encode the data as bytes");
  }
  if (problems.length > 0) throw new NonRetryableError(`invalid CloudEvent: ${problems.join("; ")}`);
  return normalized;
}
