import type { MeshEvent } from "@mesh-six/events";

/** The CloudEvents v1.0 context attributes; every other attribute is an extension. */
export const contextAttributes = [
  "specversion",
  "id",
  "source",
  "type",
  "datacontenttype",
  "dataschema",
  "subject",
  "time",
] as const;

const contextAttributeSet: ReadonlySet<string> = new Set(contextAttributes);
const notAttributes: ReadonlySet<string> = new Set(["data", "data_base64"]);

/** A CloudEvents attribute name: lowercase letters and digits. */
export const attributeNamePattern = /^[a-z0-9]+$/;

/** An attribute name a Trigger may filter on (the Knative webhook also wants a leading letter). */
export const filterAttributeNamePattern = /^[a-z][a-z0-9]*$/;

export function isContextAttribute(name: string): boolean {
  return contextAttributeSet.has(name);
}

/** The extension attributes of an event (everything but the context attributes and data). */
export function extensionsOf(event: MeshEvent): Record<string, unknown> {
  const extensions: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(event)) {
    if (contextAttributeSet.has(name) || notAttributes.has(name) || value === undefined) continue;
    extensions[name] = value;
  }
  return extensions;
}

/**
 * An attribute's value as a string, the way the Kafka broker's filters see it: a context
 * attribute or an extension, undefined when the event does not have it.
 */
export function attributeValue(event: MeshEvent, name: string): string | undefined {
  if (notAttributes.has(name)) return undefined;
  const value = (event as Record<string, unknown>)[name];
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : String(value);
}
