import { UsageError } from "../command.ts";

/** A value `--field` puts into the event data. */
export type FieldValue = string | number | boolean;

/**
 * What `kn event send --field path=value` puts at `path` (kn-plugin-event pkg/cli/create.go,
 * CreateWithArgs): kn tries, in order,
 * 1. a boolean: strconv.ParseBool, kept only when FormatBool gives the text back, so exactly
 *    `true` or `false` (not `TRUE`, `1`, `t`);
 * 2. a number (float64): first strconv.ParseInt, kept when FormatInt gives the text back, so a
 *    canonical base-10 int64 (`18`, `-5`; not `+5`, `007`, `-0`, nor beyond ±2^63); then
 *    strconv.ParseFloat, kept only when fmt.Sprintf("%f") gives the text back, so a decimal with
 *    exactly six digits after the point (`1.500000` is 1.5, `1.5` stays the string "1.5");
 * 3. otherwise the text as a string.
 * `--raw-field` always keeps the text as a string. kn fails on `NaN`, `+Inf` and `-Inf`
 * (they pass step 2 but JSON cannot hold them); so do we, with a way out.
 */
export function fieldValue(text: string): FieldValue {
  if (text === "true") return true;
  if (text === "false") return false;
  if (/^(0|-?[1-9]\d*)$/.test(text) && fitsInt64(text)) return Number(text);
  if (text === "NaN" || text === "+Inf" || text === "-Inf") {
    throw new UsageError(
      `kn reads '${text}' as a number that JSON cannot hold; send it as text with --raw-field instead`,
    );
  }
  if (/^-?\d+\.\d{6}$/.test(text)) {
    const number = Number(text);
    if (formatLikePercentF(number) === text) return number;
  }
  return text;
}

const int64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

function fitsInt64(text: string): boolean {
  const value = BigInt(text);
  return value >= int64.min && value <= int64.max;
}

/** Go's fmt.Sprintf("%f", x) for a finite x: the exact decimal value rounded to six places. */
export function formatLikePercentF(number: number): string {
  const sign = number < 0 || Object.is(number, -0) ? "-" : "";
  const magnitude = Math.abs(number);
  // toFixed is exact below 1e21; above, every double is an integer
  const digits = magnitude < 1e21 ? magnitude.toFixed(6) : `${BigInt(magnitude)}.000000`;
  return sign + digits;
}

/** `path=value` split at the first `=`, as kn does (strings.SplitN(…, "=", 2)); the path must not be empty. */
export function splitAssignment(assignment: string, flag: "field" | "raw-field"): [string, string] {
  const at = assignment.indexOf("=");
  if (at < 0) {
    // kn itself crashes here (index out of range); we say what it needs
    throw new UsageError(
      `--${flag} '${assignment}' has no '=': write it as path=value, e.g. --${flag} person.name=Chris`,
    );
  }
  if (at === 0) {
    // kn makes an empty key of it ({"": value}); that is never what was meant
    throw new UsageError(
      `--${flag} '${assignment}' has an empty path before '=': write it as path=value, e.g. --${flag} person.name=Chris`,
    );
  }
  return [assignment.slice(0, at), assignment.slice(at + 1)];
}

interface Tree extends Map<string, Tree | FieldValue> {}

/**
 * The event data kn builds: a JSON object, `{}` when there are no fields. Every `--field` is
 * applied first, then every `--raw-field`, each in the order given; a dotted path nests objects
 * (kn pkg/event/create.go, updateMapWithSpec: split on every `.`, empty segments included), a
 * later value replaces an earlier one at the same path, and a path that runs through a value
 * that is not an object is an error.
 */
export function buildData(fields: readonly string[], rawFields: readonly string[]): Record<string, unknown> {
  const root: Tree = new Map();
  const assignments = [
    ...fields.map((text) => ({ text, flag: "field" as const })),
    ...rawFields.map((text) => ({ text, flag: "raw-field" as const })),
  ];
  for (const { text, flag } of assignments) {
    const [path, raw] = splitAssignment(text, flag);
    const value = flag === "field" ? fieldValue(raw) : raw;
    setPath(root, path, value, text, flag);
  }
  return toObject(root);
}

function setPath(root: Tree, path: string, value: FieldValue, text: string, flag: string): void {
  const segments = path.split(".");
  const leaf = segments.pop()!;
  let node = root;
  for (const [index, segment] of segments.entries()) {
    const existing = node.get(segment) ?? new Map();
    if (!(existing instanceof Map)) {
      const at = segments.slice(0, index + 1).join(".");
      throw new UsageError(
        `--${flag} '${text}': path "${path}" runs through "${at}", which already holds ${JSON.stringify(existing)}; ` +
          "use a different path, or drop the field that set it",
      );
    }
    node.set(segment, existing);
    node = existing;
  }
  node.set(leaf, value);
}

function toObject(tree: Tree): Record<string, unknown> {
  // fromEntries defines own properties, so even a "__proto__" segment stays plain data
  return Object.fromEntries(
    [...tree].map(([key, value]) => [key, value instanceof Map ? toObject(value) : value]),
  );
}
