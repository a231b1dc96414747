import type { MeshEvent } from "@mesh-six/events";
import { attributeNamePattern } from "./attributes.ts";
import {
  attributeEntries,
  type ParseResult,
  parseJsonFormat,
  toStoredJson,
  validateEvent,
} from "./event-json.ts";
import { decodeHeaderValue, encodeHeaderValue } from "./header-values.ts";
import { isJsonMediaType, isUtf8TextMediaType, mediaTypeOf } from "./media-type.ts";

export {
  fromStoredJson,
  normalizeEvent,
  type ParseResult,
  toStoredJson,
  validateEvent,
} from "./event-json.ts";

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

/** A CloudEvent from an HTTP message, or a clear reason why it is not a valid one. */
export function decodeHttpMessage(message: HttpMessage): ParseResult {
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
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(body));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `the structured-mode body is not valid UTF-8 JSON (${reason})` };
  }
  return parseJsonFormat(json);
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
  const data = dataFromBody(body, contentType);
  if (!data.ok) problems.push(data.error);
  else if (data.data !== undefined) event.data = data.data;
  problems.push(
    ...validateEvent(event as MeshEvent).filter((problem) => !problem.startsWith("specversion is undefined")),
  );
  if (problems.length > 0) return { ok: false, error: problems.join("; ") };
  return { ok: true, event: event as MeshEvent };
}

function dataFromBody(
  body: Uint8Array,
  contentType: string | undefined,
): { ok: true; data: unknown } | { ok: false; error: string } {
  if (body.length === 0) return { ok: true, data: undefined };
  if (contentType !== undefined && isJsonMediaType(contentType)) {
    try {
      return { ok: true, data: JSON.parse(utf8.decode(body)) };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        error: `the body is not valid JSON although Content-Type is ${contentType} (${reason})`,
      };
    }
  }
  if (contentType !== undefined && isUtf8TextMediaType(contentType)) {
    try {
      return { ok: true, data: utf8.decode(body) };
    } catch {
      // not UTF-8 after all: keep the bytes as they are
    }
  }
  return { ok: true, data: body.slice() };
}

/** Binary mode: `ce-*` headers (percent-encoded), Content-Type from datacontenttype, the data as the body. */
export function encodeBinary(event: MeshEvent): EncodedMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of attributeEntries(event)) {
    if (name !== "datacontenttype") headers[`ce-${name}`] = encodeHeaderValue(value);
  }
  const { datacontenttype, data } = event;
  if (data === undefined) {
    if (datacontenttype !== undefined) headers["content-type"] = datacontenttype;
    return { headers };
  }
  if (data instanceof Uint8Array) {
    if (datacontenttype !== undefined) headers["content-type"] = datacontenttype;
    return { headers, body: data };
  }
  const json = datacontenttype === undefined || isJsonMediaType(datacontenttype) || typeof data !== "string";
  headers["content-type"] = datacontenttype ?? "application/json";
  return { headers, body: encoder.encode(json ? JSON.stringify(data) : (data as string)) };
}

/** Structured mode: the JSON format, bytes as `data_base64`. */
export function encodeStructured(event: MeshEvent): EncodedMessage {
  return {
    headers: { "content-type": `${structuredJson}; charset=utf-8` },
    body: encoder.encode(JSON.stringify(toStoredJson(event))),
  };
}
