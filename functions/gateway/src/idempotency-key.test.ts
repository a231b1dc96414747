import { describe, expect, it } from "vitest";
import { readIdempotencyKey, requestFingerprint } from "./idempotency-key.ts";

describe("the Idempotency-Key header", () => {
  it("reads the draft's quoted string and the bare token alike", () => {
    expect(readIdempotencyKey('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toEqual({
      ok: true,
      key: "8e03978e-40d5-43e8-bc93-6894a57f9324",
    });
    expect(readIdempotencyKey("8e03978e-40d5-43e8-bc93-6894a57f9324")).toEqual({
      ok: true,
      key: "8e03978e-40d5-43e8-bc93-6894a57f9324",
    });
    expect(readIdempotencyKey('"order 7: \\"blue\\" \\\\ two"')).toEqual({
      ok: true,
      key: 'order 7: "blue" \\ two',
    });
    expect(readIdempotencyKey(`  ${"k".repeat(255)}  `)).toEqual({ ok: true, key: "k".repeat(255) });
    expect(readIdempotencyKey(undefined)).toEqual({ ok: true, key: undefined });
  });

  it("refuses keys it cannot use, saying what is wrong and what a key looks like", () => {
    const cases: [string, RegExp][] = [
      ["", /is empty/],
      ['""', /is empty/],
      ["k".repeat(256), /is 256 characters long; use at most 255/],
      ['"unclosed', /has no closing quote/],
      ['"a", "b"', /after its closing quote: send one key, once/],
      ["a, b", /holds a comma/],
      ["with space", /only printable ASCII without spaces/],
      ["clé", /only printable ASCII/],
      ['"clé"', /outside printable ASCII/],
      ['"tab\there"', /outside printable ASCII/],
      ['"bad \\n escape"', /escapes neither/],
    ];
    for (const [value, reason] of cases) {
      const result = readIdempotencyKey(value);
      expect(result.ok, value).toBe(false);
      if (!result.ok) {
        expect(result.error).toMatch(reason);
        expect(result.error).toMatch(/^Idempotency-Key .*e\.g\. Idempotency-Key: "/);
      }
    }
  });

  it("fingerprints a request by what it asks, whatever the order of its fields", () => {
    const one = requestFingerprint({
      capability: "c",
      payload: { a: 1, b: [1, { y: 2, x: 1 }] },
      priority: 5,
    });
    const same = requestFingerprint({
      priority: 5,
      payload: { b: [1, { x: 1, y: 2 }], a: 1 },
      capability: "c",
    });
    expect(same).toBe(one);
    expect(
      requestFingerprint({ capability: "c", payload: { a: 2, b: [1, { x: 1, y: 2 }] }, priority: 5 }),
    ).not.toBe(one);
    expect(
      requestFingerprint({ capability: "c", payload: { b: [{ x: 1, y: 2 }, 1], a: 1 }, priority: 5 }),
    ).not.toBe(one);
  });
});
