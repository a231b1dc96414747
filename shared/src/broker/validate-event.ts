import type { MeshEvent } from "@mesh-six/events";
import { scanJson } from "../validate/json-scan.ts";
import { eventLimits, integerRange, maxBodyBytes, utf8Length } from "../validate/limits.ts";
import { textProblem } from "../validate/text.ts";
import { timestampProblem } from "../validate/timestamp.ts";
import { attributeNamePattern, isContextAttribute } from "./attributes.ts";
import { isJsonMediaType } from "./media-type.ts";

const mediaType = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+\s*(;.*)?$/;
const absoluteUri = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

const byteLimits: Readonly<Record<string, number>> = {
  id: eventLimits.idBytes,
  source: eventLimits.sourceBytes,
  type: eventLimits.typeBytes,
  subject: eventLimits.subjectBytes,
  dataschema: eventLimits.dataschemaBytes,
  datacontenttype: eventLimits.datacontenttypeBytes,
};

/**
 * Every way the event breaks the CloudEvents v1.0 spec or what mesh-six can store and
 * deliver, each saying how to fix it; empty when valid. Beyond the spec: the lengths in
 * `eventLimits`, text without NUL or lone surrogates, a `time` that exists, extension
 * integers within CloudEvents' 32 bits, data within `maxBodyBytes`, and JSON data (bytes with a JSON
 * `datacontenttype`) that is valid JSON within `maxJsonDepth`, without `\u0000` or lone
 * surrogates (a handler could not store it in Postgres).
 */
export function validateEvent(event: MeshEvent): string[] {
  const problems: string[] = [];
  if (event.specversion !== "1.0") {
    problems.push(`specversion is ${JSON.stringify(event.specversion)}; only CloudEvents "1.0" is accepted`);
  }
  for (const name of ["id", "source", "type"] as const) {
    const value = event[name];
    if (value === undefined || value === "") problems.push(`${name} is missing; every CloudEvent needs one`);
    else if (typeof value !== "string") problems.push(`${name} must be a non-empty string`);
  }
  const { datacontenttype, dataschema, subject, time } = event;
  if (
    datacontenttype !== undefined &&
    (typeof datacontenttype !== "string" || !mediaType.test(datacontenttype))
  ) {
    problems.push(
      `datacontenttype ${JSON.stringify(datacontenttype)} is not a media type (e.g. application/json)`,
    );
  }
  if (dataschema !== undefined && (typeof dataschema !== "string" || !absoluteUri.test(dataschema))) {
    problems.push(`dataschema ${JSON.stringify(dataschema)} is not an absolute URI`);
  }
  if (subject !== undefined && (typeof subject !== "string" || subject === "")) {
    problems.push("subject is empty; leave it out or give a non-empty string");
  }
  if (time !== undefined) {
    const problem = typeof time === "string" ? timestampProblem(time) : "must be a string";
    if (problem) problems.push(`time ${problem}`);
  }
  problems.push(...textProblems(event), ...extensionProblems(event), ...dataProblems(event));
  return problems;
}

/** Lengths and storable text of every string attribute. */
function textProblems(event: MeshEvent): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(event)) {
    if (name === "data" || name === "data_base64" || typeof value !== "string") continue;
    const problem = textProblem(value);
    if (problem) {
      problems.push(`${name} ${problem}`);
      continue;
    }
    const limit =
      byteLimits[name] ?? (isContextAttribute(name) ? undefined : eventLimits.extensionValueBytes);
    const bytes = limit === undefined ? 0 : utf8Length(value);
    if (limit !== undefined && bytes > limit) {
      problems.push(`${name} is ${bytes} bytes long, over the limit of ${limit} bytes; shorten it`);
    }
  }
  return problems;
}

function extensionProblems(event: MeshEvent): string[] {
  const problems: string[] = [];
  let count = 0;
  for (const [name, value] of Object.entries(event)) {
    if (isContextAttribute(name) || name === "data" || name === "data_base64" || value === undefined)
      continue;
    count++;
    if (!attributeNamePattern.test(name)) {
      problems.push(`extension attribute "${name}" has an invalid name: use lowercase a-z and 0-9 only`);
    } else if (name.length > eventLimits.extensionNameLength) {
      problems.push(
        `extension attribute name "${name.slice(0, 20)}…" is ${name.length} characters, over the limit of ${eventLimits.extensionNameLength}`,
      );
    } else if (typeof value === "number") {
      if (!Number.isInteger(value) || value < integerRange.min || value > integerRange.max) {
        problems.push(
          `extension attribute "${name}" is ${value}, not a CloudEvents Integer (a whole number from ${integerRange.min} to ${integerRange.max}); send it as a string`,
        );
      }
    } else if (typeof value !== "string" && typeof value !== "boolean") {
      problems.push(`extension attribute "${name}" must be a string, an integer or a boolean`);
    }
  }
  if (count > eventLimits.extensions) {
    problems.push(`the event has ${count} extension attributes, over the limit of ${eventLimits.extensions}`);
  }
  return problems;
}

function dataProblems(event: MeshEvent): string[] {
  const { data, datacontenttype } = event;
  if (data instanceof Uint8Array && data.byteLength > maxBodyBytes) {
    return [
      `the data is ${data.byteLength} bytes, over the ${maxBodyBytes}-byte limit (Kafka's record size); store large content elsewhere and pass a reference`,
    ];
  }
  if (!(data instanceof Uint8Array) || !isJsonMediaType(datacontenttype)) return [];
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    return [`the data is not UTF-8 although its datacontenttype is ${datacontenttype}`];
  }
  const scan = scanJson(text);
  if (scan.ok) return [];
  const where = scan.path === "" ? "" : ` at ${scan.path}`;
  if (scan.error.startsWith("invalid JSON")) {
    return [
      `the data is not valid JSON although its datacontenttype (Content-Type in binary mode) is ${datacontenttype} (${scan.error})`,
    ];
  }
  return [
    `the JSON data cannot be accepted${where}: ${scan.error} (to pass it on as opaque bytes, send it with another datacontenttype)`,
  ];
}
