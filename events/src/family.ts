import { z } from "zod";
import type { EventInit, EventType, MeshEvent } from "./define.ts";

/**
 * Event types that share a prefix, data schema and meaning, defined once instead of once
 * per member: `dev.meshsix.github.issues`, `dev.meshsix.github.push`, … and any name an
 * outside system adds later. Its `type` is the prefix followed by `*` (what the catalog
 * lists and functions name in `emits`); its members are `typeOf(name)`. Subscribe to the
 * whole family with a prefix filter, `{ prefix: { type: family.prefix } }`, or to one
 * member with an exact one, `{ type: family.typeOf("issues") }`.
 */
export interface EventFamily<Schema extends z.ZodType = z.ZodType> extends EventType<string, Schema> {
  /** What every member's type starts with, ending in a dot: `dev.meshsix.github.`. */
  readonly prefix: string;
  /** The member type for `name` (a webhook's event name, …), written in the characters `memberName` keeps. */
  typeOf(name: string): string;
}

/** Longest member name kept; CloudEvents types are indexed and compared whole. */
export const maxMemberNameLength = 64;

/**
 * `name` as the last part of a type: lower case, each run of characters other than
 * a–z, 0–9 and `_` as one `_`, without a leading or trailing `_`, at most 64 characters.
 * Undefined when nothing is left.
 */
export function memberName(name: string): string | undefined {
  const written = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, maxMemberNameLength)
    .replace(/_+$/, "");
  return written === "" ? undefined : written;
}

export interface EventFamilyOptions<Schema extends z.ZodType> {
  readonly schema: Schema;
  readonly description: string;
  /** No Trigger of the fleet needs to consume its members (they are there for whoever subscribes). */
  readonly terminal?: boolean;
  readonly fromOutside?: boolean;
}

export function defineEventFamily<Schema extends z.ZodType>(
  prefix: string,
  options: EventFamilyOptions<Schema>,
): EventFamily<Schema> {
  if (!/^[a-z0-9]+(\.[a-z0-9]+)*\.$/.test(prefix)) {
    throw new Error(
      `an event family's prefix is dot-separated lowercase words ending in a dot, not ${prefix}`,
    );
  }
  const { schema, description, terminal = false, fromOutside = false } = options;
  const includes = (type: string) => type.length > prefix.length && type.startsWith(prefix);
  return {
    type: `${prefix}*`,
    prefix,
    schema,
    description,
    terminal,
    fromOutside,
    typeOf(name) {
      const member = memberName(name);
      if (member === undefined) throw new Error(`"${name}" has no character an event type can keep`);
      return `${prefix}${member}`;
    },
    includes,
    create(init: EventInit<z.input<Schema>>) {
      if (init.type === undefined || !includes(init.type)) {
        throw new Error(`a member of ${prefix}* needs its full type (typeOf(name)), not ${init.type}`);
      }
      return {
        specversion: "1.0",
        id: init.id ?? crypto.randomUUID(),
        source: init.source,
        type: init.type,
        time: init.time ?? new Date().toISOString(),
        datacontenttype: "application/json",
        ...(init.subject === undefined ? {} : { subject: init.subject }),
        ...init.extensions,
        data: schema.parse(init.data),
      } as MeshEvent<z.output<Schema>>;
    },
    parse(event) {
      if (!includes(event.type)) {
        return { ok: false, error: `expected an event of type ${prefix}*, got ${event.type}` };
      }
      const result = schema.safeParse(event.data);
      if (result.success) return { ok: true, data: result.data };
      return { ok: false, error: `invalid ${event.type} data: ${z.prettifyError(result.error)}` };
    },
    is: (event) => includes(event.type),
    jsonSchema: () => z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>,
  };
}
