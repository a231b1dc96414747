import { createHash } from "node:crypto";
import type { MeshEvent } from "@mesh-six/events";

/** W3C trace context, carried on events as the CloudEvents distributed-tracing extension. */
export interface TraceContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceparent: string;
  readonly tracestate?: string;
}

const pattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function parseTraceparent(value: unknown): TraceContext | undefined {
  if (typeof value !== "string") return undefined;
  const match = pattern.exec(value.trim());
  if (!match) return undefined;
  const [, traceId, spanId] = match as unknown as [string, string, string];
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceparent: value.trim() };
}

/**
 * The trace an event belongs to: its own `traceparent`, or a new trace whose ids are
 * derived from the event's source and id, so a redelivery lands in the same trace.
 */
export function traceOf(event: MeshEvent): TraceContext {
  const existing = parseTraceparent(event.traceparent);
  if (existing) {
    const tracestate = typeof event.tracestate === "string" ? event.tracestate : undefined;
    return tracestate ? { ...existing, tracestate } : existing;
  }
  const digest = hash(`${event.source}\n${event.id}`);
  return make(digest.slice(0, 32), digest.slice(32, 48));
}

/** A child span of `parent` for an event derived from it; deterministic in `key`. */
export function childTrace(parent: TraceContext, key: string): TraceContext {
  const child = make(parent.traceId, hash(`${parent.spanId}\n${key}`).slice(0, 16));
  return parent.tracestate ? { ...child, tracestate: parent.tracestate } : child;
}

function make(traceId: string, spanId: string): TraceContext {
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
