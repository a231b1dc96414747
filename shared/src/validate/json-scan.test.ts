import { describe, expect, it } from "vitest";
import { scanJson } from "./json-scan.ts";

const valid = [
  "0",
  "-12.5e+3",
  "12345678901234567890",
  "1.0",
  "1e400",
  '"\\u00e9 é \\ud83d\\ude00 😀 \\/"',
  ' { "a" : [ 1 , true , false , null , { } , [ ] ] } ',
  '{"a":1,"a":2}',
  "[[[[]]]]",
];

describe("scanJson", () => {
  it("accepts what JSON.parse accepts", () => {
    for (const text of valid) {
      expect(scanJson(text), text).toMatchObject({ ok: true });
      expect(() => JSON.parse(text), text).not.toThrow();
    }
  });

  it("refuses what JSON.parse refuses, saying where", () => {
    const invalid = [
      "",
      "{",
      "[1,]",
      '{"a" 1}',
      "01",
      "-",
      "tru",
      '"a',
      '"\u0001"',
      '"\\x"',
      "[1] 2",
      "{'a':1}",
      "+1",
    ];
    for (const text of invalid) {
      const scan = scanJson(text);
      expect(scan.ok, text).toBe(false);
      expect(() => JSON.parse(text), text).toThrow();
      if (!scan.ok) expect(scan.error, text).toMatch(/invalid JSON at character \d+/);
    }
  });

  it("refuses nesting deeper than the limit without overflowing, naming the limit", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    expect(scanJson(deep)).toMatchObject({
      ok: false,
      error: expect.stringContaining("deeper than 64 levels"),
    });
    expect(scanJson(`${"[".repeat(64)}${"]".repeat(64)}`)).toMatchObject({ ok: true });
    expect(scanJson(`${"[".repeat(65)}${"]".repeat(65)}`).ok).toBe(false);
    expect(scanJson('{"a":{"b":[[1]]}}', { maxDepth: 3 })).toMatchObject({ ok: false, path: "a.b[0]" });
  });

  it("refuses NUL and lone surrogates, escaped or literal, with the path to them", () => {
    expect(scanJson('{"payload":{"query":"a\\u0000"}}')).toMatchObject({
      ok: false,
      path: "payload.query",
      error: expect.stringContaining("NUL"),
    });
    for (const text of ['["\\ud800"]', '["\\udc00"]', '["\\ud800\\u0041"]', '["\ud800"]', '["\udc00x"]']) {
      expect(scanJson(text), text).toMatchObject({
        ok: false,
        path: "[0]",
        error: expect.stringContaining("surrogate"),
      });
    }
    expect(scanJson('{"a b":["\\ud800"]}')).toMatchObject({ ok: false, path: '["a b"][0]' });
  });

  it("refuses infinite numbers and repeated names only when asked", () => {
    expect(scanJson('{"n":1e400}', { finiteNumbers: true })).toMatchObject({ ok: false, path: "n" });
    expect(scanJson('{"a":1,"b":{"a":2}}', { uniqueKeys: true }).ok).toBe(true);
    expect(scanJson('{"a":1,"a":2}', { uniqueKeys: true })).toMatchObject({
      ok: false,
      error: expect.stringContaining('"a" appears twice'),
    });
  });

  it("says where each member of a top-level object is, exactly as written", () => {
    const text =
      '{ "id" : "1", "data" : { "b" : 1.0 , "a":[12345678901234567890] } , "x":null,"e\\u0041":{}}';
    const scan = scanJson(text);
    if (!scan.ok) throw new Error(scan.error);
    const values = scan.members.map((member) => [member.name, text.slice(member.start, member.end)]);
    expect(values).toEqual([
      ["id", '"1"'],
      ["data", '{ "b" : 1.0 , "a":[12345678901234567890] }'],
      ["x", "null"],
      ["eA", "{}"],
    ]);
    const array = scanJson(' [1, {"a": [2]} ,"x"] ');
    expect(array).toEqual({
      ok: true,
      members: [
        { name: "0", start: 2, end: 3 },
        { name: "1", start: 5, end: 15 },
        { name: "2", start: 17, end: 20 },
      ],
    });
    expect(scanJson('"x"')).toEqual({ ok: true, members: [] });
  });
});
