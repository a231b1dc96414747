/**
 * CloudEvents attribute values in HTTP headers (HTTP protocol binding 3.1.3.2): space,
 * double quote, percent and everything outside printable ASCII are percent-encoded as
 * UTF-8; decoding first unquotes a double-quoted value, then percent-decodes once and
 * refuses byte sequences that are not UTF-8.
 */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

export function encodeHeaderValue(value: string): string {
  let encoded = "";
  for (const character of value) {
    const code = character.codePointAt(0)!;
    if (code >= 0x21 && code <= 0x7e && character !== '"' && character !== "%") {
      encoded += character;
      continue;
    }
    for (const byte of encoder.encode(character))
      encoded += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return encoded;
}

/** The attribute value of a header, or undefined when its bytes are not UTF-8. */
export function decodeHeaderValue(raw: string): string | undefined {
  const value = unquote(raw.trim());
  const bytes: number[] = [];
  for (let index = 0; index < value.length; index++) {
    const character = value[index]!;
    const hex = character === "%" ? value.slice(index + 1, index + 3) : "";
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
      continue;
    }
    const code = character.charCodeAt(0);
    // Header values arrive as bytes (one char each); anything wider came from code, not the wire.
    if (code <= 0xff) bytes.push(code);
    else bytes.push(...encoder.encode(character));
  }
  try {
    return utf8.decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  return value.slice(1, -1).replace(/\\(.)/g, "$1");
}
