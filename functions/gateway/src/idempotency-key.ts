import { createHash } from "node:crypto";

export const idempotencyHeader = "Idempotency-Key";
export const maxIdempotencyKeyLength = 255;

export type IdempotencyKeyResult =
  | { readonly ok: true; readonly key: string | undefined }
  | { readonly ok: false; readonly error: string };

const example = 'e.g. Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324" (a UUID per request)';

/**
 * Reads the `Idempotency-Key` request header: a Structured Fields string as the IETF
 * draft (draft-ietf-httpapi-idempotency-key-header) writes it (`"…"`, with `\"` and `\\`
 * escapes), or the bare token many clients send (Stripe's style). The key is 1 to 255
 * printable ASCII characters; a bare one has no spaces, quotes, backslashes or commas (a
 * comma is what two Idempotency-Key lines become when joined). Absent: no key.
 */
export function readIdempotencyKey(value: string | undefined): IdempotencyKeyResult {
  if (value === undefined) return { ok: true, key: undefined };
  const text = value.trim();
  const key = text.startsWith('"') ? unquote(text) : bare(text);
  if (typeof key !== "string") return { ok: false, error: `${idempotencyHeader} ${key.error}; ${example}` };
  if (key.length === 0) return { ok: false, error: `${idempotencyHeader} is empty; ${example}` };
  if (key.length > maxIdempotencyKeyLength) {
    return {
      ok: false,
      error: `${idempotencyHeader} is ${key.length} characters long; use at most ${maxIdempotencyKeyLength}, ${example}`,
    };
  }
  return { ok: true, key };
}

function bare(text: string): string | { error: string } {
  if (text.includes(",")) return { error: "holds a comma: send one key, once" };
  if (!/^[\x21-\x7e]*$/.test(text) || /["\\]/.test(text)) {
    return {
      error:
        "has characters a bare key cannot hold (only printable ASCII without spaces, quotes or backslashes; quote it to use spaces)",
    };
  }
  return text;
}

/** An sf-string (RFC 8941 §3.3.3): printable ASCII between quotes, `\"` and `\\` the only escapes. */
function unquote(text: string): string | { error: string } {
  let key = "";
  for (let index = 1; index < text.length; index += 1) {
    const char = text[index]!;
    if (char === '"') {
      if (index !== text.length - 1)
        return { error: "has something after its closing quote: send one key, once" };
      return key;
    }
    if (char === "\\") {
      const next = text[index + 1];
      if (next !== '"' && next !== "\\") return { error: 'has a backslash that escapes neither " nor \\' };
      key += next;
      index += 1;
      continue;
    }
    if (char < " " || char > "~") return { error: "has a character outside printable ASCII" };
    key += char;
  }
  return { error: "has no closing quote" };
}

/**
 * What a request asked for, as a SHA-256 of its JSON with every object's keys sorted, so
 * a retry whose fields come in another order is still the same request.
 */
export function requestFingerprint(request: unknown): string {
  return createHash("sha256").update(canonicalJson(request)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, field]) => `${JSON.stringify(name)}:${canonicalJson(field)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
