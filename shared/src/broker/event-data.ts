import type { MeshEvent } from "@mesh-six/events";
import { NonRetryableError } from "../errors.ts";
import { isJsonMediaType, isUtf8TextMediaType } from "./media-type.ts";

/**
 * How event data is held. On every path of a broker (ingress, storage, Kafka records,
 * deliveries, dead letters, the event log) `data` is a `Uint8Array` of exactly the bytes
 * given: a binary-mode body as it came, the `data` member of a structured-mode body as it
 * was written (or a JSON string's text, for a non-JSON `datacontenttype`), `data_base64`
 * decoded. Nothing parses and re-serialises it, so big numbers, `1.0`, key order,
 * duplicate keys, escapes and whitespace all arrive as sent.
 *
 * Events made by code (`EventType.create`, `ctx.emit`) carry a JavaScript value instead;
 * the broker turns it into bytes once, when it accepts the event (`dataBytes`). Handlers
 * get the parsed value (`handlerView`), parsed once per delivery and only when a handler
 * runs.
 */

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

interface Origin {
  readonly wire: MeshEvent;
  readonly data: unknown;
}

/** Handler views, each with the event it was made from, so handing one back keeps the bytes. */
const origins = new WeakMap<object, Origin>();

/**
 * The data as bytes: bytes as they are; a string with a text `datacontenttype` as UTF-8;
 * anything else as its JSON text. A handler view whose data is untouched gives back the
 * bytes it was parsed from. Undefined when the event has no data. Throws a
 * NonRetryableError when a value cannot be written as JSON.
 */
export function dataBytes(event: MeshEvent): Uint8Array | undefined {
  const { data, datacontenttype } = event;
  if (data === undefined) return undefined;
  if (data instanceof Uint8Array) return data;
  const origin = origins.get(event);
  if (origin && origin.data === data && origin.wire.datacontenttype === datacontenttype) {
    return origin.wire.data as Uint8Array;
  }
  if (typeof data === "string" && datacontenttype !== undefined && !isJsonMediaType(datacontenttype)) {
    return encoder.encode(data);
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new NonRetryableError(`the data of event ${event.id} cannot be written as JSON (${reason})`);
  }
  return text === undefined ? undefined : encoder.encode(text);
}

/**
 * The event with its data as bytes (`dataBytes`); a JavaScript value becomes JSON, and
 * `datacontenttype` then defaults to application/json, what a binary-mode hop would send.
 */
export function withDataBytes(event: MeshEvent): MeshEvent {
  if (event.data === undefined || event.data instanceof Uint8Array) return event;
  const bytes = dataBytes(event);
  const copy: Record<string, unknown> = { ...event };
  if (bytes === undefined) delete copy.data;
  else copy.data = bytes;
  if (bytes !== undefined && event.datacontenttype === undefined) copy.datacontenttype = "application/json";
  return copy as MeshEvent;
}

/**
 * What a handler reads as `event.data`: JSON data (a JSON `datacontenttype`) parsed, UTF-8
 * text (`text/*`, XML, a UTF-8 charset) as a string, other bytes as they are.
 * Throws a NonRetryableError when JSON data does not parse.
 */
export function dataValue(event: MeshEvent): unknown {
  const { data, datacontenttype } = event;
  if (!(data instanceof Uint8Array)) return data;
  if (isJsonMediaType(datacontenttype)) {
    try {
      return JSON.parse(utf8.decode(data));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new NonRetryableError(`the data of event ${event.id} is not valid JSON (${reason})`);
    }
  }
  if (datacontenttype !== undefined && isUtf8TextMediaType(datacontenttype)) {
    try {
      return utf8.decode(data);
    } catch {
      // not UTF-8 after all: the bytes as they are
    }
  }
  return data;
}

/**
 * The event as a handler sees it: `data` parsed (`dataValue`). Publishing or storing the
 * view with its data untouched keeps the original bytes (the dead-letter function relies
 * on it); treat `data` as read-only, since a change made in place is not seen.
 */
export function handlerView(event: MeshEvent): MeshEvent {
  if (!(event.data instanceof Uint8Array)) return event;
  const data = dataValue(event);
  if (data === event.data) return event;
  const view = { ...event, data } as MeshEvent;
  origins.set(view, { wire: event, data });
  return view;
}
