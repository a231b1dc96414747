import { describe, expect, it } from "vitest";
import { goJson } from "./go-json.ts";

describe("Go encoding/json text", () => {
  it.each<[string, unknown, string]>([
    ["an empty object", {}, "{}"],
    ["keys sorted, nested too", { b: 1, a: { d: true, c: "x" } }, '{"a":{"c":"x","d":true},"b":1}'],
    ["keys sorted by UTF-8 bytes", { "\uff01": 1, "\u{1f600}": 2, a: 3 }, '{"a":3,"\uff01":1,"\u{1f600}":2}'],
    [
      "HTML characters escaped",
      { html: "<a href='x'>&</a>" },
      '{"html":"\\u003ca href=\'x\'\\u003e\\u0026\\u003c/a\\u003e"}',
    ],
    ["short escapes", { s: '"\\\b\f\n\r\t' }, '{"s":"\\"\\\\\\b\\f\\n\\r\\t"}'],
    ["other control characters as \\u00xx", { s: "\u0001\u001f\u007f" }, '{"s":"\\u0001\\u001f\u007f"}'],
    ["line and paragraph separators escaped", { s: "\u2028\u2029" }, '{"s":"\\u2028\\u2029"}'],
    ["a lone surrogate as \\ufffd", { s: "\ud800x" }, '{"s":"\\ufffdx"}'],
    ["non-ASCII kept as is", { s: "zażółć 😀" }, '{"s":"zażółć 😀"}'],
    ["negative zero kept", { n: -0 }, '{"n":-0}'],
    [
      "numbers in Go's shortest form",
      { a: 123, b: 1.5, c: 1e21, d: 0.000001, e: 1e-7 },
      '{"a":123,"b":1.5,"c":1e+21,"d":0.000001,"e":1e-7}',
    ],
    ["arrays and null", { a: [1, null, "x"] }, '{"a":[1,null,"x"]}'],
  ])("%s", (_name, value, text) => {
    expect(goJson(value)).toBe(text);
  });

  it("refuses what Go's Marshal refuses", () => {
    expect(() => goJson({ n: Number.NaN })).toThrow("json: unsupported value: NaN");
  });
});
