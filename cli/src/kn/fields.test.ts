import { describe, expect, it } from "vitest";
import { UsageError } from "../command.ts";
import { buildData, fieldValue, formatLikePercentF, splitAssignment } from "./fields.ts";

describe("--field value conversion (kn's CreateWithArgs)", () => {
  it.each<[string, string | number | boolean]>([
    // booleans: only FormatBool's own spelling
    ["true", true],
    ["false", false],
    ["TRUE", "TRUE"],
    ["True", "True"],
    ["t", "t"],
    ["1", 1],
    ["0", 0],
    // integers: canonical base-10 int64 only
    ["18", 18],
    ["-5", -5],
    ["+5", "+5"],
    ["007", "007"],
    ["-0", "-0"],
    ["1_000", "1_000"],
    // int64 limits become float64, as in Go: 2^63 as a double
    ["9223372036854775807", 2 ** 63],
    ["-9223372036854775808", -(2 ** 63)],
    ["9223372036854775808", "9223372036854775808"],
    ["9007199254740993", 9007199254740992],
    // floats: only what Sprintf("%f") prints back, six decimals
    ["1.500000", 1.5],
    ["-0.250000", -0.25],
    ["1.5", "1.5"],
    ["3.14", "3.14"],
    ["1.5000000", "1.5000000"],
    ["01.500000", "01.500000"],
    ["0.000001", 0.000001],
    ["0.100000", 0.1],
    ["1e3", "1e3"],
    ["0x10", "0x10"],
    [".500000", ".500000"],
    ["Inf", "Inf"],
    ["nan", "nan"],
    // text
    ["", ""],
    ["Chris", "Chris"],
    [" 1", " 1"],
    ["a=b", "a=b"],
  ])("%j becomes %j", (text, expected) => {
    expect(fieldValue(text)).toBe(expected);
  });

  it("keeps -0.000000 a negative zero, as Go's float64 does", () => {
    expect(Object.is(fieldValue("-0.000000"), -0)).toBe(true);
  });

  it.each(["NaN", "+Inf", "-Inf"])("refuses %s, which kn turns into a number JSON cannot hold", (text) => {
    expect(() => fieldValue(text)).toThrow(UsageError);
    expect(() => fieldValue(text)).toThrow("--raw-field");
  });
});

describe("Go's %f", () => {
  it.each<[number, string]>([
    [1.5, "1.500000"],
    [-0, "-0.000000"],
    [0.1, "0.100000"],
    [1e21, "1000000000000000000000.000000"],
    [-1.0000005, "-1.000001"],
  ])("prints %d as %s", (number, text) => {
    expect(formatLikePercentF(number)).toBe(text);
  });
});

describe("path=value", () => {
  it.each<[string, [string, string]]>([
    ["a=b", ["a", "b"]],
    ["a=b=c", ["a", "b=c"]],
    ["a=", ["a", ""]],
    ["person.name=Chris", ["person.name", "Chris"]],
  ])("splits %j at the first '='", (text, parts) => {
    expect(splitAssignment(text, "field")).toEqual(parts);
  });

  it("refuses an empty path (kn would make an empty key of it) and shows the form", () => {
    expect(() => splitAssignment("=b", "field")).toThrow(
      "--field '=b' has an empty path before '=': write it as path=value, e.g. --field person.name=Chris",
    );
  });

  it("refuses an assignment without '=' and shows the form", () => {
    expect(() => splitAssignment("person.name", "raw-field")).toThrow(
      "--raw-field 'person.name' has no '=': write it as path=value, e.g. --raw-field person.name=Chris",
    );
  });
});

describe("event data from fields (kn's updateMapWithSpec)", () => {
  it.each<[string, string[], string[], Record<string, unknown>]>([
    ["no fields: an empty object", [], [], {}],
    [
      "kn's own example",
      ["person.name=Chris", "person.email=ksuszyns@example.com", "ping=123", "active=true"],
      ["ref=321"],
      { person: { name: "Chris", email: "ksuszyns@example.com" }, ping: 123, ref: "321", active: true },
    ],
    ["dotted paths nest", ["a.b.c=1"], [], { a: { b: { c: 1 } } }],
    ["a later field replaces an earlier one", ["a=1", "a=2"], [], { a: 2 }],
    ["raw fields apply after fields, whatever the order given", ["a=1"], ["a=1"], { a: "1" }],
    ["a value may replace an object", ["a.b=1", "a=x"], [], { a: "x" }],
    ["empty segments are keys", ["a..b=1", ".c=2"], [], { a: { "": { b: 1 } }, "": { c: 2 } }],
    ["__proto__ is plain data", ["__proto__.x=1"], [], JSON.parse('{"__proto__":{"x":1}}')],
  ])("%s", (_name, fields, rawFields, data) => {
    expect(buildData(fields, rawFields)).toEqual(data);
  });

  it("keeps __proto__ an own property and the prototype untouched", () => {
    const data = buildData(["__proto__.polluted=true"], []);
    expect(Object.hasOwn(data, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses a path through a value that is not an object, naming both", () => {
    expect(() => buildData(["person.name=Chris Suszynski", "person.name.first=Chris"], [])).toThrow(
      `--field 'person.name.first=Chris': path "person.name.first" runs through "person.name", which already holds "Chris Suszynski"`,
    );
  });

  it("reports a bad --raw-field as such", () => {
    expect(() => buildData([], ["oops"])).toThrow("--raw-field 'oops' has no '='");
  });
});
