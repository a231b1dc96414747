import { randomBytes } from "node:crypto";

/** JSON text written as it is by `stringifyJson`: event data kept byte for byte inside a JSON answer. */
export class RawJson {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/**
 * `JSON.stringify` that writes every `RawJson` in `value` as its text, unchanged (so
 * `12345678901234567890`, `1.0`, key order and escapes in event data survive).
 */
export function stringifyJson(value: unknown, space?: number): string {
  const raws: string[] = [];
  const marker = `raw-json:${randomBytes(12).toString("hex")}:`;
  const text = JSON.stringify(
    value,
    (_key, inner: unknown) => (inner instanceof RawJson ? `${marker}${raws.push(inner.text) - 1}` : inner),
    space,
  );
  if (raws.length === 0) return text;
  return text.replace(new RegExp(`"${marker}(\\d+)"`, "g"), (_match, index: string) => raws[Number(index)]!);
}
