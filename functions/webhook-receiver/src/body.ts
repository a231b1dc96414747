import { scanJson } from "@mesh-six/shared/validate/json-scan";

export type PayloadBytes =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly form: boolean }
  | { readonly ok: false; readonly status: 400 | 415; readonly error: string };

const json = "application/json";
const form = "application/x-www-form-urlencoded";

/**
 * The payload a delivery carries: the body of an `application/json` delivery, the
 * `payload` field of an `application/x-www-form-urlencoded` one (GitHub's and Gitea's
 * other content type), percent-decoded to the JSON bytes the sender wrote.
 */
export function payloadBytes(contentType: string | null, body: Uint8Array): PayloadBytes {
  const type = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === json) return { ok: true, bytes: body, form: false };
  if (type !== form) {
    return {
      ok: false,
      status: 415,
      error: `the content type ${type === "" ? "is missing" : `${type} is not taken`}: set the webhook's content type to ${json} (or ${form})`,
    };
  }
  const field = formPayload(body);
  if (typeof field === "string") return { ok: false, status: 400, error: field };
  return { ok: true, bytes: field, form: true };
}

/** The percent-decoded bytes of the form's one `payload` field, or why there is none. */
export function formPayload(body: Uint8Array): Uint8Array | string {
  let found: Uint8Array | undefined;
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf(0x26, start);
    if (end < 0) end = body.length;
    const pair = body.subarray(start, end);
    const equals = pair.indexOf(0x3d);
    const name = formDecode(equals < 0 ? pair : pair.subarray(0, equals));
    if (name && Buffer.from(name).toString("latin1") === "payload") {
      if (found) return "the form has two payload fields; send one";
      const value = formDecode(equals < 0 ? new Uint8Array() : pair.subarray(equals + 1));
      if (!value) return "the form's payload field has a % not followed by two hex digits";
      found = value;
    }
    start = end + 1;
  }
  return found ?? "the form has no payload field: GitHub and Gitea send the JSON payload as payload=…";
}

/** `application/x-www-form-urlencoded` decoding of bytes: `+` is a space, `%XY` one byte. */
function formDecode(bytes: Uint8Array): Uint8Array | undefined {
  const out = new Uint8Array(bytes.length);
  let length = 0;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index]!;
    if (byte === 0x2b) out[length++] = 0x20;
    else if (byte === 0x25) {
      const high = hexValue(bytes[index + 1]);
      const low = hexValue(bytes[index + 2]);
      if (high === undefined || low === undefined) return undefined;
      out[length++] = high * 16 + low;
      index += 2;
    } else out[length++] = byte;
  }
  return out.subarray(0, length);
}

function hexValue(byte: number | undefined): number | undefined {
  if (byte === undefined) return undefined;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return undefined;
}

export type ParsedPayload =
  | {
      readonly ok: true;
      readonly value: Readonly<Record<string, unknown>>;
      /** Why the broker cannot carry these bytes as an event's JSON data, when it cannot. */
      readonly notCarried?: string;
    }
  | { readonly ok: false; readonly error: string };

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The payload parsed, after the checks the broker makes of JSON data: a JSON object in
 * UTF-8 (else why not). JSON the broker refuses to carry (nested deeper than 64 levels,
 * `\u0000` or a lone surrogate in a string) is still a payload: it is stored instead.
 */
export function parsePayload(bytes: Uint8Array): ParsedPayload {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, error: "the payload is not UTF-8 text; GitHub and Gitea send UTF-8 JSON" };
  }
  const scan = scanJson(text);
  if (!scan.ok && scan.error.startsWith("invalid JSON")) {
    const where = scan.path === "" ? "" : ` at ${scan.path}`;
    return { ok: false, error: `the payload is not JSON${where}: ${scan.error}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `the payload is not JSON: ${error instanceof Error ? error.message : error}` };
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, error: "the payload is not a JSON object; GitHub and Gitea send one" };
  }
  const record = value as Record<string, unknown>;
  if (scan.ok) return { ok: true, value: record };
  const where = scan.path === "" ? "" : ` at ${scan.path}`;
  return {
    ok: true,
    value: record,
    notCarried: `the broker carries no such JSON as event data (${where.trim() || "at the top"}: ${scan.error})`,
  };
}
