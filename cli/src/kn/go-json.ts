/**
 * JSON text exactly as Go's encoding/json Marshal writes it, which is what kn sends as the event
 * data: object keys sorted by their UTF-8 bytes (Go sorts map keys), `<`, `>`, `&`, U+2028 and
 * U+2029 escaped as \u003c, \u003e, \u0026, \u2028, \u2029, invalid UTF-16 (a lone surrogate)
 * written as \ufffd, and -0 kept as `-0`. Numbers otherwise print as JavaScript prints them,
 * which for finite doubles matches Go's shortest formatting (fixed below 1e21, exponent below 1e-6).
 */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`json: unsupported value: ${value}`);
    return Object.is(value, -0) ? "-0" : String(value);
  }
  if (typeof value === "string") return goString(value);
  if (Array.isArray(value)) return `[${value.map(goJson).join(",")}]`;
  if (typeof value === "object") {
    const keys = Object.keys(value).sort(byUtf8);
    const entries = keys.map((key) => `${goString(key)}:${goJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(",")}}`;
  }
  throw new TypeError(`json: unsupported type: ${typeof value}`);
}

const encoder = new TextEncoder();

function byUtf8(left: string, right: string): number {
  return Buffer.compare(encoder.encode(left), encoder.encode(right));
}

const short: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

function goString(text: string): string {
  let out = '"';
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    const code = char.charCodeAt(0);
    if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += char + text[index + 1];
        index++;
        continue;
      }
    }
    if (short[char] !== undefined) out += short[char];
    else if (
      code < 0x20 ||
      char === "<" ||
      char === ">" ||
      char === "&" ||
      code === 0x2028 ||
      code === 0x2029
    ) {
      out += `\\u${code.toString(16).padStart(4, "0")}`;
    } else if (code >= 0xd800 && code <= 0xdfff) out += "\\ufffd";
    else out += char;
  }
  return `${out}"`;
}
