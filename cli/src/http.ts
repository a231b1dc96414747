import { errorMessage } from "@mesh-six/shared/errors";
import type { z } from "zod";
import { type Io, RemoteError } from "./command.ts";

/** `path` under the mesh's URL (kept when the mesh sits under a path prefix), with `query` set. */
export function endpoint(
  meshUrl: URL,
  path: string,
  query: Record<string, string | number | undefined> = {},
): URL {
  const base = meshUrl.href.endsWith("/") ? meshUrl.href : `${meshUrl.href}/`;
  const url = new URL(path.replace(/^\//, ""), base);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url;
}

/**
 * One HTTP call to the mesh, with the API key from MESH_API_KEY as `Authorization: Bearer`
 * (unless `apiKey` is false: a request to somewhere that is not the mesh). A refused
 * connection or an error status becomes a RemoteError carrying the mesh's own message;
 * an abort (Ctrl-C) is passed on as is.
 */
export async function send(
  io: Io,
  url: URL,
  init: RequestInit = {},
  options: { readonly apiKey?: boolean } = {},
): Promise<Response> {
  const key = options.apiKey === false ? undefined : io.env.MESH_API_KEY?.trim();
  const headers = new Headers(init.headers);
  if (key && !headers.has("authorization")) headers.set("authorization", `Bearer ${key}`);
  let response: Response;
  try {
    response = await io.fetch(url, { ...init, headers, signal: init.signal ?? io.signal });
  } catch (error) {
    if (io.signal.aborted) throw error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? errorMessage(error);
    throw new RemoteError(
      `could not reach ${url.origin} (${reason}); start the mesh with 'npm start', or point --url or MESH_URL at it`,
    );
  }
  if (!response.ok) throw new RemoteError(await describeFailure(response, url));
  return response;
}

/** A JSON answer, checked against `schema` so a mismatched mesh version says what differs. */
export async function sendForJson<Schema extends z.ZodType>(
  io: Io,
  url: URL,
  schema: Schema,
  init: RequestInit = {},
): Promise<z.output<Schema>> {
  return (await sendForJsonText(io, url, schema, init)).data;
}

/** `sendForJson`, with the answer's text too (to print parts of it exactly as sent). */
export async function sendForJsonText<Schema extends z.ZodType>(
  io: Io,
  url: URL,
  schema: Schema,
  init: RequestInit = {},
): Promise<{ readonly data: z.output<Schema>; readonly text: string }> {
  const response = await send(io, url, { ...init, headers: { accept: "application/json", ...init.headers } });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RemoteError(
      `${url.pathname} answered ${response.status} with something that is not JSON: ${clip(text)}`,
    );
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "the body";
    throw new RemoteError(
      `${url.pathname} answered in an unexpected shape (${where}: ${issue?.message}); is the mesh the same version as this CLI?`,
    );
  }
  return { data: result.data, text };
}

/** `<status> <text>: <the mesh's message>`, the message from a JSON `error`/`message` or the text body. */
async function describeFailure(response: Response, url: URL): Promise<string> {
  const text = (await response.text()).trim();
  let message = text;
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === "object") {
      const { error, message: detail } = body as { error?: unknown; message?: unknown };
      if (typeof error === "string") message = error;
      else if (typeof detail === "string") message = detail;
    }
  } catch {
    // not JSON: the text is the message
  }
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  return `${url.pathname} answered ${status}${message ? `: ${clip(message)}` : ""}`;
}

function clip(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
