import type { EventType, MeshEvent } from "@mesh-six/events";
import { z } from "zod";
import { NonRetryableError } from "../errors.ts";
import type { EmitOptions } from "../function/define.ts";
import { childTrace, type TraceContext } from "../log/trace.ts";
import { deriveEventId } from "./ids.ts";

const extensionName = /^[a-z0-9]{1,20}$/;
const reserved = new Set([
  "id",
  "source",
  "specversion",
  "type",
  "datacontenttype",
  "dataschema",
  "subject",
  "time",
  "data",
  "traceparent",
  "tracestate",
]);

export interface EmitterSettings {
  readonly functionName: string;
  /** The event being handled: its source and id seed the follow-up ids. */
  readonly cause: MeshEvent;
  readonly trace: TraceContext;
  readonly now: () => number;
}

export type Emit = <Schema extends z.ZodType>(
  type: EventType<string, Schema>,
  data: z.input<Schema>,
  options?: EmitOptions,
) => MeshEvent<z.output<Schema>>;

/**
 * `ctx.emit` for one invocation: follow-ups from `/mesh-six/<function>`, ids derived from
 * the function, the incoming event and the key (default: type and call index), and a
 * child span of the incoming trace.
 */
export function createEmitter(settings: EmitterSettings): Emit {
  const { functionName, cause, trace } = settings;
  const usedKeys = new Set<string>();
  let index = 0;
  return (type, data, options = {}) => {
    const key = options.key ?? `${type.type}:${index}`;
    index += 1;
    if (usedKeys.has(key)) {
      throw new NonRetryableError(
        `ctx.emit(${type.type}): key "${key}" was already used for another follow-up of this event; ` +
          "give each follow-up its own key",
      );
    }
    usedKeys.add(key);
    const extensions = { ...options.extensions };
    for (const name of Object.keys(extensions)) checkExtensionName(type.type, name);
    const child = childTrace(trace, key);
    try {
      return type.create({
        source: `/mesh-six/${functionName}`,
        id: deriveEventId(functionName, cause.source, cause.id, key),
        time: new Date(settings.now()).toISOString(),
        data,
        ...(options.subject === undefined ? {} : { subject: options.subject }),
        extensions: {
          ...extensions,
          traceparent: child.traceparent,
          ...(child.tracestate === undefined ? {} : { tracestate: child.tracestate }),
        },
      });
    } catch (error) {
      if (error instanceof z.core.$ZodError) {
        throw new NonRetryableError(`ctx.emit(${type.type}): invalid data: ${z.prettifyError(error)}`, {
          cause: error,
        });
      }
      throw error;
    }
  };
}

function checkExtensionName(type: string, name: string): void {
  if (!extensionName.test(name)) {
    throw new NonRetryableError(
      `ctx.emit(${type}): extension "${name}" is not a valid CloudEvents attribute name; ` +
        "use 1–20 lowercase letters and digits (e.g. meshagent)",
    );
  }
  if (reserved.has(name)) {
    throw new NonRetryableError(
      `ctx.emit(${type}): extension "${name}" is a CloudEvents attribute the runtime sets; ` +
        "use the subject option for the subject and leave the rest to the runtime",
    );
  }
}
