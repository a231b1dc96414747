import { maxJsonDepth } from "./limits.ts";

/** What `scanJson` checks beyond the JSON grammar (RFC 8259). */
export interface JsonScanOptions {
  /** Deepest nesting of arrays and objects; default `maxJsonDepth`. */
  readonly maxDepth?: number;
  /** Refuse numbers a JavaScript number cannot hold (1e400); default false, as data keeps its text. */
  readonly finiteNumbers?: boolean;
  /** Refuse an object that names a member twice; default false. */
  readonly uniqueKeys?: boolean;
}

/**
 * Where one member of a top-level object (or element of a top-level array, named by its
 * index) sits in the text: its value is `text.slice(start, end)`.
 */
export interface JsonMember {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

export type JsonScan =
  | {
      readonly ok: true;
      /** The members of a top-level object or array, in order (duplicates included); empty for others. */
      readonly members: readonly JsonMember[];
    }
  | {
      readonly ok: false;
      readonly error: string;
      /** Where: `payload.items[2]`, or "" for the top level. */
      readonly path: string;
    };

interface Frame {
  readonly kind: "object" | "array";
  /** The member name or element index being read. */
  key: string | number;
  readonly names: Set<string> | undefined;
}

class ScanError extends Error {}

const whitespace = new Set([0x20, 0x09, 0x0a, 0x0d]);
const escapes = new Set(
  ['"', "\\", "/", "b", "f", "n", "r", "t"].map((character) => character.charCodeAt(0)),
);
const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Checks a JSON text without building it: the grammar, the nesting depth, and text
 * Postgres can store (no `\u0000`, no lone surrogate, escaped or not); optionally finite
 * numbers and unique member names. Iterative, so any depth is refused, never overflows.
 * For a top-level object or array it also says where each member's value is, so a caller
 * can keep one member's bytes exactly as they came (the `data` of a structured-mode
 * CloudEvent, one row of a page).
 */
export function scanJson(text: string, options: JsonScanOptions = {}): JsonScan {
  const stack: Frame[] = [];
  try {
    const members = scan(text, stack, options);
    return { ok: true, members };
  } catch (error) {
    if (!(error instanceof ScanError)) throw error;
    return { ok: false, error: error.message, path: pathOf(stack) };
  }
}

function scan(text: string, stack: Frame[], options: JsonScanOptions): JsonMember[] {
  const maxDepth = options.maxDepth ?? maxJsonDepth;
  const members: JsonMember[] = [];
  let at = 0;
  let member: { name: string; start: number } | undefined;
  const skip = () => {
    while (whitespace.has(text.charCodeAt(at))) at++;
  };
  const fail = (expected: string): never => {
    const found = at >= text.length ? "the end of the text" : JSON.stringify(text.slice(at, at + 12));
    throw new ScanError(`invalid JSON at character ${at}: expected ${expected}, found ${found}`);
  };
  const readName = (frame: Frame) => {
    skip();
    if (text.charCodeAt(at) !== 0x22) fail("a member name in double quotes");
    const start = at;
    const escaped = readString();
    const name = escaped ? (JSON.parse(text.slice(start, at)) as string) : text.slice(start + 1, at - 1);
    frame.key = name;
    if (frame.names) {
      if (frame.names.has(name)) throw new ScanError(`the member "${name}" appears twice; give it once`);
      frame.names.add(name);
    }
    skip();
    if (text.charCodeAt(at) !== 0x3a) fail('":" after the member name');
    at++;
    if (stack.length === 1) member = { name, start: -1 };
  };
  /** Reads a string starting at its opening quote; true when it has escapes. */
  const readString = (): boolean => {
    at++;
    let escaped = false;
    for (;;) {
      const unit = text.charCodeAt(at);
      if (Number.isNaN(unit)) fail("the closing double quote of a string");
      if (unit === 0x22) {
        at++;
        return escaped;
      }
      if (unit < 0x20) {
        throw new ScanError(
          `invalid JSON at character ${at}: control character U+${hex(unit)} in a string; escape it`,
        );
      }
      if (unit === 0x5c) {
        escaped = true;
        at = readEscape(text, at);
        continue;
      }
      if (unit >= 0xd800 && unit <= 0xdfff) {
        const low = text.charCodeAt(at + 1);
        if (unit > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) loneSurrogate(unit);
        at += 2;
        continue;
      }
      at++;
    }
  };

  for (;;) {
    // a value starts here
    skip();
    if (stack.length === 1) {
      const top = stack[0]!;
      if (top.kind === "array" && !member) member = { name: String(top.key), start: -1 };
      if (member && member.start < 0) member.start = at;
    }
    const unit = text.charCodeAt(at);
    if (unit === 0x7b || unit === 0x5b) {
      if (stack.length >= maxDepth) {
        throw new ScanError(`the JSON is nested deeper than ${maxDepth} levels, the limit; flatten it`);
      }
      const kind = unit === 0x7b ? "object" : "array";
      const frame: Frame = {
        kind,
        key: 0,
        names: kind === "object" && options.uniqueKeys ? new Set() : undefined,
      };
      stack.push(frame);
      at++;
      skip();
      const closing = kind === "object" ? 0x7d : 0x5d;
      if (text.charCodeAt(at) === closing) {
        at++;
        stack.pop();
      } else {
        if (kind === "object") readName(frame);
        continue;
      }
    } else if (unit === 0x22) {
      readString();
    } else if (unit === 0x74 || unit === 0x66 || unit === 0x6e) {
      const word = unit === 0x74 ? "true" : unit === 0x66 ? "false" : "null";
      if (!text.startsWith(word, at)) fail("a JSON value");
      at += word.length;
    } else {
      numberPattern.lastIndex = at;
      const number = numberPattern.exec(text);
      if (!number) fail("a JSON value");
      if (options.finiteNumbers && !Number.isFinite(Number(number![0]))) {
        throw new ScanError(
          `the number ${number![0].slice(0, 40)} is beyond what a JSON number can hold here`,
        );
      }
      at = numberPattern.lastIndex;
    }
    // a value ended here: close what it ends, until the next value starts
    for (;;) {
      if (member && member.start >= 0 && stack.length === 1) {
        members.push({ name: member.name, start: member.start, end: at });
        member = undefined;
      }
      skip();
      const frame = stack.at(-1);
      if (!frame) {
        if (at < text.length) fail("the end of the text after the JSON value");
        return members;
      }
      const next = text.charCodeAt(at);
      if (next === 0x2c) {
        at++;
        if (frame.kind === "object") readName(frame);
        else frame.key = (frame.key as number) + 1;
        break;
      }
      if (next !== (frame.kind === "object" ? 0x7d : 0x5d)) {
        fail(frame.kind === "object" ? '"," or "}"' : '"," or "]"');
      }
      at++;
      stack.pop();
    }
  }
}

/** Reads the escape at `at` (a backslash); returns where the string goes on. */
function readEscape(text: string, at: number): number {
  const code = text.charCodeAt(at + 1);
  if (escapes.has(code)) return at + 2;
  if (code !== 0x75) {
    throw new ScanError(`invalid JSON at character ${at}: unknown escape \\${text.charAt(at + 1)}`);
  }
  const unit = unicodeEscape(text, at);
  if (unit === 0) {
    throw new ScanError(`the text contains \\u0000 (NUL), which cannot be stored; remove it`);
  }
  if (unit >= 0xdc00 && unit <= 0xdfff) loneSurrogate(unit);
  if (unit >= 0xd800 && unit <= 0xdbff) {
    const low = text.startsWith("\\u", at + 6) ? unicodeEscape(text, at + 6) : -1;
    if (!(low >= 0xdc00 && low <= 0xdfff)) loneSurrogate(unit);
    return at + 12;
  }
  return at + 6;
}

function unicodeEscape(text: string, at: number): number {
  const digits = text.slice(at + 2, at + 6);
  if (!/^[0-9a-fA-F]{4}$/.test(digits)) {
    throw new ScanError(`invalid JSON at character ${at}: \\u needs four hex digits`);
  }
  return Number.parseInt(digits, 16);
}

function loneSurrogate(unit: number): never {
  throw new ScanError(
    `the text contains a lone UTF-16 surrogate (\\u${hex(unit).toLowerCase()}), which is not a character; send pairs only`,
  );
}

function hex(unit: number): string {
  return unit.toString(16).toUpperCase().padStart(4, "0");
}

/** `payload.items[2].name`, `["odd key"]` for names that are not identifiers; "" at the top. */
export function pathOf(stack: readonly { readonly kind: string; readonly key: string | number }[]): string {
  let path = "";
  for (const frame of stack) {
    if (frame.kind === "array") path += `[${frame.key}]`;
    else if (typeof frame.key === "string" && /^[A-Za-z_$][\w$]*$/.test(frame.key)) {
      path += path === "" ? frame.key : `.${frame.key}`;
    } else path += `[${JSON.stringify(frame.key)}]`;
  }
  return path;
}
