import { createHash } from "node:crypto";

/**
 * A UUID-shaped id (RFC 9562 version 8: custom) derived from `parts` with sha256, so the
 * same parts always give the same id: a redelivered event emits the same follow-up ids.
 */
export function deriveEventId(...parts: readonly string[]): string {
  const hex = createHash("sha256").update(JSON.stringify(parts)).digest("hex");
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `8${hex.slice(13, 16)}`,
    `${variant}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join("-");
}
