import type { EventType, MeshEvent } from "@mesh-six/events";
import type { z } from "zod";
import { childTrace, type TraceContext } from "../log/trace.ts";
import { deriveEventId } from "../runtime/ids.ts";

/** Builds the events a run emits, with ids derived from the run and a key, not from the delivery: a replayed hop emits the same ids. */
export type RunEventFactory = <Schema extends z.ZodType>(
  type: EventType<string, Schema>,
  data: z.input<Schema>,
  key: string,
  extensions?: Readonly<Record<string, string>>,
) => MeshEvent<z.output<Schema>>;

export function runEventFactory(settings: {
  readonly functionName: string;
  readonly runId: string;
  readonly subject: string;
  readonly trace: TraceContext;
  readonly now: () => number;
}): RunEventFactory {
  return (type, data, key, extensions = {}) => {
    const trace = childTrace(settings.trace, `${settings.runId}:${key}`);
    return type.create({
      source: `/mesh-six/${settings.functionName}`,
      id: deriveEventId(settings.functionName, "run", settings.runId, key),
      time: new Date(settings.now()).toISOString(),
      subject: settings.subject,
      data,
      extensions: {
        ...extensions,
        traceparent: trace.traceparent,
        ...(trace.tracestate ? { tracestate: trace.tracestate } : {}),
      },
    });
  };
}

/** The id of a run's child task for a step, so a replay asks for the same task. */
export function childTaskId(functionName: string, runId: string, step: string): string {
  return deriveEventId(functionName, "task", runId, step);
}

export function approvalIdFor(functionName: string, runId: string, step: string): string {
  return deriveEventId(functionName, "approval", runId, step);
}

/** The run that carries out a task attempt. */
export function runIdFor(functionName: string, taskId: string, attempt: number): string {
  return deriveEventId(functionName, "run", taskId, String(attempt));
}
