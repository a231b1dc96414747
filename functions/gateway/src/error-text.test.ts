import { describe, expect, it } from "vitest";
import { errorText } from "./error-text.ts";

const base64 = (bytes: Uint8Array | string) =>
  Buffer.from(typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes).toString("base64");

describe("errorText", () => {
  it("decodes a body that is UTF-8 text, line breaks and tabs included", () => {
    expect(errorText(base64('{"error":"bad input"}'))).toBe('{"error":"bad input"}');
    expect(errorText(base64("Größe\tzu groß\r\nnächste Zeile"))).toBe("Größe\tzu groß\r\nnächste Zeile");
  });

  it("is undefined when there is no body", () => {
    expect(errorText(null)).toBeUndefined();
    expect(errorText("")).toBeUndefined();
  });

  it("is undefined for bytes that are not UTF-8, or that hold control characters", () => {
    expect(errorText(base64(Uint8Array.of(0xff, 0xfe, 0x41)))).toBeUndefined();
    expect(errorText(base64(Uint8Array.of(0x50, 0x4b, 0x03, 0x04)))).toBeUndefined();
    expect(errorText(base64("a\u0000b"))).toBeUndefined();
  });

  it("drops a character the 1024-byte cut split, and nothing else", () => {
    // the broker keeps the first 1024 bytes; ü is 2 bytes, and the cut fell between them
    const body = new TextEncoder().encode(`${"a".repeat(1023)}ü and more`);
    expect(errorText(base64(body.subarray(0, 1024)))).toBe("a".repeat(1023));
    // not at the cut: an incomplete character at the end of a short body is not text
    expect(errorText(base64(Uint8Array.of(0x61, 0xc3)))).toBeUndefined();
  });
});
