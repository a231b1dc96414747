import { RunDefinitionError } from "./errors.ts";

/**
 * A step result (or run output) as the JSON text kept in the log: undefined stays
 * undefined; anything JSON cannot hold, or larger than `limit` bytes, is a
 * RunDefinitionError naming the step, since trying again gives the same.
 */
export function serialize(value: unknown, what: string, limit: number): string | undefined {
  if (value === undefined) return undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new RunDefinitionError(
      `${what} is not JSON (${error instanceof Error ? error.message : String(error)}); return plain data: objects, arrays, strings, numbers, booleans, null`,
    );
  }
  if (text === undefined) return undefined;
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > limit) {
    throw new RunDefinitionError(
      `${what} is ${formatBytes(bytes)} of JSON; the limit is ${formatBytes(limit)} (runSettings.maxResultBytes): store large data yourself (a table, an object store) and return a reference to it`,
    );
  }
  return text;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
