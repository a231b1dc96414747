import type { CloudEventV1 } from "cloudevents";
import { z } from "zod";

/** A CloudEvent as mesh-six passes it around: plain attributes, extensions and data. */
export type MeshEvent<Data = unknown> = CloudEventV1<Data>;

export type ParseResult<T> =
  | { readonly ok: true; readonly data: T }
  | { readonly ok: false; readonly error: string };

export interface EventInit<Data> {
  /** A family member's full type (`defineEventFamily`); a single type takes none but its own. */
  readonly type?: string;
  readonly source: string;
  readonly data: Data;
  readonly id?: string;
  readonly subject?: string;
  readonly time?: string;
  readonly extensions?: Readonly<Record<string, string>>;
}

/** One event type, defined once and used to produce it, consume it and describe it. */
export interface EventType<Type extends string = string, Schema extends z.ZodType = z.ZodType> {
  readonly type: Type;
  readonly schema: Schema;
  readonly description: string;
  /** True when no Trigger needs to consume it: it is an end result that callers read. */
  readonly terminal: boolean;
  /**
   * True when senders outside the mesh may publish it (the broker ingress, `kn event send`,
   * webhooks); every other type comes only from mesh functions. See `outsideEventTypes`.
   */
  readonly fromOutside: boolean;
  create(init: EventInit<z.input<Schema>>): MeshEvent<z.output<Schema>>;
  /** Validates `event.data`; never throws. */
  parse(event: MeshEvent): ParseResult<z.output<Schema>>;
  is(event: MeshEvent): boolean;
  /** True for its own type; for a family (`defineEventFamily`), for every type under its prefix. */
  includes(type: string): boolean;
  jsonSchema(): Record<string, unknown>;
}

export interface EventTypeOptions<Schema extends z.ZodType> {
  readonly schema: Schema;
  readonly description: string;
  readonly terminal?: boolean;
  /** Outside senders may publish it; mesh functions only when omitted. */
  readonly fromOutside?: boolean;
}

export function defineEvent<const Type extends string, Schema extends z.ZodType>(
  type: Type,
  options: EventTypeOptions<Schema>,
): EventType<Type, Schema> {
  const { schema, description, terminal = false, fromOutside = false } = options;
  return {
    type,
    schema,
    description,
    terminal,
    fromOutside,
    create(init) {
      if (init.type !== undefined && init.type !== type) {
        throw new Error(`${type}.create was given the type ${init.type}; leave type out`);
      }
      const data = schema.parse(init.data);
      return {
        specversion: "1.0",
        id: init.id ?? crypto.randomUUID(),
        source: init.source,
        type,
        time: init.time ?? new Date().toISOString(),
        datacontenttype: "application/json",
        ...(init.subject === undefined ? {} : { subject: init.subject }),
        ...init.extensions,
        data,
      } as MeshEvent<z.output<Schema>>;
    },
    parse(event) {
      if (event.type !== type) {
        return { ok: false, error: `expected an event of type ${type}, got ${event.type}` };
      }
      const result = schema.safeParse(event.data);
      if (result.success) return { ok: true, data: result.data };
      return { ok: false, error: `invalid ${type} data: ${z.prettifyError(result.error)}` };
    },
    is(event) {
      return event.type === type;
    },
    includes(candidate) {
      return candidate === type;
    },
    jsonSchema() {
      return z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>;
    },
  };
}
