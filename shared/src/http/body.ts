import { carryClientAddress } from "../ratelimit/http.ts";
import { maxBodyBytes } from "../validate/limits.ts";
import { problem } from "./problem.ts";

export type BodyRead =
  | { readonly ok: true; readonly body: Uint8Array }
  | { readonly ok: false; readonly response: Response };

/**
 * The request body, read up to `limit` bytes: a declared Content-Length over the limit is
 * refused before anything is read, and a body without one is read chunk by chunk and
 * refused (the rest left unread) as soon as it passes the limit, so a huge body is never
 * held in memory. Over the limit: a 413 naming it.
 */
export async function readBody(request: Request, limit: number = maxBodyBytes): Promise<BodyRead> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) {
    await request.body?.cancel().catch(() => {});
    return { ok: false, response: tooLarge(`${declared}-byte`, limit) };
  }
  if (!request.body) return { ok: true, body: new Uint8Array() };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return { ok: false, response: tooLarge(`more than ${limit}-byte`, limit) };
    }
    chunks.push(value);
  }
  return { ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) };
}

/** A 413 for a body over `limit`. */
export function tooLarge(size: string, limit: number): Response {
  return problem(
    413,
    `the ${size} body is over the ${limit}-byte limit; send less, and keep large content elsewhere, passing a reference`,
    { limit },
  );
}

/**
 * The request with its body read within `limit` (see `readBody`), so the handler reads
 * an in-memory copy; GET and HEAD requests pass as they are.
 */
export async function withinBodyLimit(
  request: Request,
  limit: number = maxBodyBytes,
): Promise<
  { readonly ok: true; readonly request: Request } | { readonly ok: false; readonly response: Response }
> {
  if (request.method === "GET" || request.method === "HEAD" || !request.body) return { ok: true, request };
  const read = await readBody(request, limit);
  if (!read.ok) return read;
  const copy = new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: read.body,
    signal: request.signal,
  });
  carryClientAddress(request, copy);
  return { ok: true, request: copy };
}
