import { stringifyJson } from "../broker/raw-json.ts";

/** A JSON answer written with `stringifyJson`, so event data in it (a `RawJson`) stays byte for byte. */
export function jsonResponse(value: unknown, status = 200): Response {
  return new Response(stringifyJson(value), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}
