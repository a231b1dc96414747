import type { Clock } from "@mesh-six/shared/ports/clock";

/** Where a command reads and writes; the bin passes the process's, tests their own. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fetch: typeof fetch;
  readonly clock: Clock;
  /** Aborted on Ctrl-C: long-running commands (`events tail --follow`) stop and exit 0. */
  readonly signal: AbortSignal;
}

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly multiple?: boolean;
  /** The value's placeholder in help, e.g. `url` in `--to <url>`. */
  readonly placeholder?: string;
  readonly description: string;
}

export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  /** May be left out (only the last ones); the command then decides what it needs. */
  readonly optional?: boolean;
}

export interface CommandInput {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
  /** The mesh's HTTP address: --url, MESH_URL or http://localhost:8080. */
  readonly url: URL;
}

/** One `mesh` command. Group related commands in one file under commands/ and list it in mesh.ts. */
export interface Command {
  /** The words that invoke it: `send`, `events tail`, `dead-letters replay`. */
  readonly name: string;
  readonly summary: string;
  /** Longer help text shown by `--help`. */
  readonly description?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Positional arguments, in order; required unless marked optional. */
  readonly positionals?: readonly PositionalSpec[];
  readonly examples?: readonly string[];
  run(input: CommandInput, io: Io): Promise<void>;
}

/** Bad input from the user: exit code 2, with what was wrong and how to fix it. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The mesh answered with an error or could not be reached: exit code 1, with its message. */
export class RemoteError extends Error {
  override readonly name = "RemoteError";
}

export function stringOption(input: CommandInput, name: string): string | undefined {
  const value = input.values[name];
  return typeof value === "string" ? value : undefined;
}

export function listOption(input: CommandInput, name: string): string[] {
  const value = input.values[name];
  return Array.isArray(value) ? value : [];
}

export function booleanOption(input: CommandInput, name: string): boolean {
  return input.values[name] === true;
}

/** A whole-number option within bounds, or `fallback` when absent. */
export function countOption(input: CommandInput, name: string, fallback: number, max = 1000): number {
  const text = stringOption(input, name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max) {
    throw new UsageError(`--${name} must be a whole number from 1 to ${max} (got '${text}')`);
  }
  return Number(text);
}
