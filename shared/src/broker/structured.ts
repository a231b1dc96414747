import type { MeshEvent } from "@mesh-six/events";
import { scanJson } from "../validate/json-scan.ts";
import { maxJsonDepth } from "../validate/limits.ts";
import { type ParseResult, parseJsonFormat } from "./event-json.ts";
import { isJsonMediaType } from "./media-type.ts";

const encoder = new TextEncoder();

/**
 * A structured-mode CloudEvent (the JSON format) from its text, keeping the `data` member
 * byte for byte: with a JSON `datacontenttype` (or none, which the JSON format reads as
 * application/json, then recorded as such) the data is the member's text exactly as
 * written; a JSON string under another `datacontenttype` is that text. Each attribute
 * may appear once.
 */
export function decodeStructuredText(text: string): ParseResult {
  const scan = scanJson(text, { maxDepth: maxJsonDepth + 1 });
  if (!scan.ok) {
    const where = scan.path === "" ? "" : ` at ${scan.path}`;
    if (scan.error.startsWith("invalid JSON")) {
      return { ok: false, error: `the structured-mode body is not valid UTF-8 JSON (${scan.error})` };
    }
    const error = scan.error.includes("nested deeper")
      ? `the data is nested deeper than ${maxJsonDepth} levels, the limit; flatten it`
      : scan.error;
    return { ok: false, error: `the structured-mode body cannot be accepted${where}: ${error}` };
  }
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{")) {
    return {
      ok: false,
      error: "a structured-mode event must be a JSON object with specversion, id, source and type",
    };
  }
  const envelope: Record<string, unknown> = {};
  let raw: string | undefined;
  for (const member of scan.members) {
    if (Object.hasOwn(envelope, member.name) || (member.name === "data" && raw !== undefined)) {
      return { ok: false, error: `the attribute "${member.name}" appears twice; give it once` };
    }
    const value = text.slice(member.start, member.end);
    if (member.name === "data") raw = value;
    else envelope[member.name] = JSON.parse(value);
  }
  const parsed = parseJsonFormat(envelope);
  if (!parsed.ok || raw === undefined || raw === "null") return parsed;
  if (envelope.data_base64 !== undefined && envelope.data_base64 !== null) {
    return { ok: false, error: 'the event has both "data" and "data_base64"; send only one of them' };
  }
  const contentType = parsed.event.datacontenttype;
  const json = contentType === undefined || isJsonMediaType(contentType);
  const value = json ? undefined : (JSON.parse(raw) as unknown);
  const data = typeof value === "string" ? value : raw;
  // the data was checked with the body (grammar, depth, storable text)
  const event = {
    ...parsed.event,
    ...(contentType === undefined ? { datacontenttype: "application/json" } : {}),
    data: encoder.encode(data),
  } as MeshEvent;
  return { ok: true, event };
}
