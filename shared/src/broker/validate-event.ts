import type { MeshEvent } from "@mesh-six/events";
import { attributeNamePattern, isContextAttribute } from "./attributes.ts";

const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const mediaType = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+\s*(;.*)?$/;
const absoluteUri = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

/** Every way the event breaks the CloudEvents v1.0 spec, each saying how to fix it; empty when valid. */
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
  if (
    time !== undefined &&
    (typeof time !== "string" || !rfc3339.test(time) || Number.isNaN(Date.parse(time)))
  ) {
    problems.push(`time ${JSON.stringify(time)} is not an RFC 3339 timestamp (e.g. 2026-01-01T12:00:00Z)`);
  }
  for (const [name, value] of Object.entries(event)) {
    if (isContextAttribute(name) || name === "data" || name === "data_base64" || value === undefined)
      continue;
    if (!attributeNamePattern.test(name)) {
      problems.push(`extension attribute "${name}" has an invalid name: use lowercase a-z and 0-9 only`);
    } else if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      problems.push(`extension attribute "${name}" must be a string`);
    }
  }
  return problems;
}
