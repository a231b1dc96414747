import type { Request as FrameworkRequest, HttpFunction } from "@google-cloud/functions-framework";
import type { FetchHandler } from "@mesh-six/shared/function/define";
import { rememberClientAddress } from "@mesh-six/shared/ratelimit/http";

/**
 * `handler` as a functions-framework HTTP function: what the framework's loader finds
 * under `--target` (the module's export of that name) and what its server calls with
 * Express's request and response.
 *
 * Why the HTTP signature and not `functions.cloudEvent`: a CloudEvent function can only
 * answer 2xx (returned) or 500 (thrown). The broker needs more: 422 sends a delivery that
 * can never succeed straight to the dead-letter sink instead of retrying it, 400 names what
 * is wrong with an invalid event, error bodies become `knativeerrordata`, and the gateway
 * serves GET routes and `/healthz` (the CloudEvent signature only routes POST). The event is
 * decoded by the same CloudEvents HTTP binding the broker ingress uses.
 */
export function frameworkFunction(handler: FetchHandler): HttpFunction {
  return async (request, response) => {
    const abort = new AbortController();
    response.on("close", () => {
      if (!response.writableFinished) abort.abort(new Error("the client closed the connection"));
    });
    const headers = new Headers();
    for (const [header, value] of Object.entries(request.headers)) {
      if (Array.isArray(value)) for (const item of value) headers.append(header, item);
      else if (value !== undefined) headers.set(header, value);
    }
    const hasBody = request.method !== "GET" && request.method !== "HEAD";
    const url = new URL(request.originalUrl, `http://${request.headers.host ?? "localhost"}`);
    const incoming = new Request(url, {
      method: request.method,
      headers,
      ...(hasBody ? { body: await bodyOf(request) } : {}),
      signal: abort.signal,
    });
    rememberClientAddress(incoming, request.socket.remoteAddress);
    const answer = await handler(incoming);
    response.status(answer.status);
    const cookies = answer.headers.getSetCookie();
    answer.headers.forEach((value, header) => {
      if (header !== "set-cookie") response.setHeader(header, value);
    });
    if (cookies.length > 0) response.setHeader("set-cookie", cookies);
    if (!answer.body) {
      response.end();
      return;
    }
    response.flushHeaders();
    for await (const chunk of answer.body) {
      if (abort.signal.aborted) break;
      response.write(chunk);
    }
    response.end();
  };
}

/**
 * The request body as bytes: the framework's body parsers keep the raw bytes in `rawBody`
 * when a parser ran; a body no parser took (no Content-Type) is still in the stream.
 */
async function bodyOf(request: FrameworkRequest): Promise<Uint8Array> {
  if (request.rawBody) return new Uint8Array(request.rawBody);
  if (request.readableEnded || !request.readable) return new Uint8Array();
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.from(chunk as Uint8Array));
  return new Uint8Array(Buffer.concat(chunks));
}
