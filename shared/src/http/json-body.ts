import { scanJson } from "../validate/json-scan.ts";
import { maxBodyBytes } from "../validate/limits.ts";
import { readBody } from "./body.ts";
import { problem } from "./problem.ts";

export type JsonBodyRead =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly response: Response };

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * A route's JSON body, checked at the edge before anything parses or stores it: at most
 * `limit` bytes (413, read as a stream), UTF-8, valid JSON nested at most `maxJsonDepth`
 * levels, no NUL or lone surrogate in any string, finite numbers and no member named twice
 * (400 with `field` naming where). `example` shows a body that works in the 400 for
 * unreadable JSON. Every route that takes a JSON body reads it with this.
 */
export async function readJsonBody(
  request: Request,
  options: { readonly example?: string; readonly limit?: number } = {},
): Promise<JsonBodyRead> {
  const read = await readBody(request, options.limit ?? maxBodyBytes);
  if (!read.ok) return read;
  const hint = options.example ? `, e.g. ${options.example}` : "";
  let text: string;
  try {
    text = utf8.decode(read.body);
  } catch {
    return { ok: false, response: problem(400, `the body is not UTF-8 text; send JSON${hint}`) };
  }
  const scan = scanJson(text, { finiteNumbers: true, uniqueKeys: true });
  if (!scan.ok) {
    const where = scan.path === "" ? "body" : scan.path;
    return {
      ok: false,
      response: problem(400, `the body must be JSON${hint}: ${scan.error}`, { field: where }),
    };
  }
  return { ok: true, value: JSON.parse(text) };
}
