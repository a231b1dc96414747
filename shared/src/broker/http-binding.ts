import type { MeshEvent } from "@mesh-six/events";
import { parseTraceparent, traceOf } from "../log/trace.ts";
import { attributeNamePattern } from "./attributes.ts";
import { dataBytes } from "./event-data.ts";
import { attributeEntries, type ParseResult, toJsonFormat, validateEvent } from "./event-json.ts";
import { decodeHeaderValue, encodeHeaderValue } from "./header-values.ts";
import { mediaTypeOf } from "./media-type.ts";
import { stringifyJson } from "./raw-json.ts";
import { decodeStructuredText } from "./structured.ts";

export { normalizeEvent, type ParseResult, validateEvent } from "./event-json.ts";

/** An HTTP request or response as the binding reads it. */
export interface HttpMessage {
  readonly headers: Headers;
  readonly body: Uint8Array;
}

/** What to send: headers and the body bytes (none when the event has no data). */
export interface EncodedMessage {
  readonly headers: Record<string, string>;
  readonly body?: Uint8Array;
}

const structuredJson = "application/cloudevents+json";
const batchJson = "application/cloudevents-batch+json";
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Reads a CloudEvents v1.0 HTTP request (binary or structured mode). */
export async function decodeHttpRequest(request: Request): Promise<ParseResult> {
  const body = new Uint8Array(await request.arrayBuffer());
  return decodeHttpMessage({ headers: request.headers, body });
}

/** True when the message carries a CloudEvent (a `ce-specversion` header or a CloudEvents content type). */
export function looksLikeCloudEvent(headers: Headers): boolean {
  return (
    headers.has("ce-specversion") ||
    mediaTypeOf(headers.get("content-type") ?? "").startsWith("application/cloudevents")
  );
}

/**
 * A CloudEvent from an HTTP message, or a clear reason why it is not a valid one. Tracing:
 * the event's own `traceparent` extension wins (its producer set it; it is the same on
 * every redelivery and replay); an event without one takes the message's W3C
 * `traceparent` header (and `tracestate`) as its extensions, which is how Knative's
 * dispatcher and other HTTP senders pass the trace (unless the header only restates the
 * trace `traceOf` derives from the event, which `encodeBinary` sends for such an event).
 */
export function decodeHttpMessage(message: HttpMessage): ParseResult {
  const decoded = decodeEvent(message);
  if (!decoded.ok || decoded.event.traceparent !== undefined) return decoded;
  const header = parseTraceparent(message.headers.get("traceparent"));
  // a header that only restates the trace derived from the event's id adds nothing
  if (!header || header.traceparent === traceOf(decoded.event).traceparent) return decoded;
  // W3C caps tracestate at 512 characters; a longer one is not passed on
  const tracestate = message.headers.get("tracestate")?.trim().slice(0, 512);
  const event = {
    ...decoded.event,
    traceparent: header.traceparent,
    ...(tracestate && decoded.event.tracestate === undefined ? { tracestate } : {}),
  };
  return { ok: true, event };
}

function decodeEvent(message: HttpMessage): ParseResult {
  const contentType = message.headers.get("content-type") ?? undefined;
  const type = mediaTypeOf(contentType);
  if (type === batchJson) {
    return {
      ok: false,
      error:
        "batched CloudEvents (application/cloudevents-batch+json) are not accepted; send one event per request",
    };
  }
  if (type.startsWith("application/cloudevents")) {
    if (type !== structuredJson) {
      return {
        ok: false,
        error: `structured mode format ${type} is not supported; use ${structuredJson} or binary mode`,
      };
    }
    return decodeStructured(message.body);
  }
  return decodeBinary(message.headers, contentType, message.body);
}

function decodeStructured(body: Uint8Array): ParseResult {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, error: "the structured-mode body is not valid UTF-8 JSON (it is not UTF-8)" };
  }
  return decodeStructuredText(text);
}

function decodeBinary(headers: Headers, contentType: string | undefined, body: Uint8Array): ParseResult {
  const event: Record<string, unknown> = {};
  const problems: string[] = [];
  headers.forEach((raw, header) => {
    if (!header.startsWith("ce-")) return;
    const name = header.slice(3);
    if (name === "datacontenttype") {
      problems.push(
        "binary mode carries datacontenttype in the Content-Type header; drop the ce-datacontenttype header",
      );
    } else if (!attributeNamePattern.test(name)) {
      problems.push(`header ${header}: "${name}" is not a valid attribute name (lowercase a-z and 0-9 only)`);
    } else {
      const value = decodeHeaderValue(raw);
      if (value === undefined) problems.push(`header ${header} is not UTF-8 after percent-decoding`);
      else event[name] = value;
    }
  });
  if (Object.keys(event).length === 0 && problems.length === 0) {
    return {
      ok: false,
      error:
        "the request is not a CloudEvent: send binary mode (ce-specversion, ce-id, ce-source, ce-type headers) " +
        `or structured mode (Content-Type: ${structuredJson})`,
    };
  }
  if (event.specversion === undefined)
    problems.push("the ce-specversion header is missing; binary mode needs ce-specversion: 1.0");
  if (contentType !== undefined) event.datacontenttype = contentType;
  // the body exactly as it came; validateEvent checks it when it is JSON
  if (body.length > 0) event.data = body.slice();
  problems.push(
    ...validateEvent(event as MeshEvent).filter((problem) => !problem.startsWith("specversion is undefined")),
  );
  if (problems.length > 0) return { ok: false, error: problems.join("; ") };
  return { ok: true, event: event as MeshEvent };
}

/**
 * Binary mode: `ce-*` headers (percent-encoded), Content-Type from datacontenttype, the
 * data bytes as the body (`dataBytes`: JSON or text for data made by code), and the W3C
 * `traceparent`/`tracestate` headers of the event's trace (`traceOf`), as Knative's
 * components send them beside the CloudEvents extension.
 */
export function encodeBinary(event: MeshEvent): EncodedMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of attributeEntries(event)) {
    if (name !== "datacontenttype") headers[`ce-${name}`] = encodeHeaderValue(value);
  }
  Object.assign(headers, traceHeaders(event));
  const body = dataBytes(event);
  const contentType =
    event.datacontenttype ??
    (body !== undefined && !(event.data instanceof Uint8Array) ? "application/json" : undefined);
  if (contentType !== undefined) headers["content-type"] = contentType;
  return body === undefined ? { headers } : { headers, body };
}

/** The W3C trace-context headers for the event's trace. */
export function traceHeaders(event: MeshEvent): Record<string, string> {
  const trace = traceOf(event);
  return { traceparent: trace.traceparent, ...(trace.tracestate ? { tracestate: trace.tracestate } : {}) };
}

/** Structured mode: the JSON format, JSON data as written, other bytes as `data_base64`. */
export function encodeStructured(event: MeshEvent): EncodedMessage {
  return {
    headers: { "content-type": `${structuredJson}; charset=utf-8`, ...traceHeaders(event) },
    body: encoder.encode(stringifyJson(toJsonFormat(event))),
  };
}
