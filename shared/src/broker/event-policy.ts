import { findEventType, type MeshEvent, outsideEventTypes } from "@mesh-six/events";
import type { FunctionDefinition } from "../function/types.ts";

/** Why an event may not come in through this door; undefined when it may. */
export type EventPolicy = (event: MeshEvent) => string | undefined;

/**
 * The broker ingress's policy for senders outside the mesh: they may publish only the
 * event types in `allowed` (the catalog's `fromOutside` types); results, dispatches and
 * everything else come only from mesh functions, which publish without the ingress.
 */
export function outsideSenderPolicy(allowed: readonly string[]): EventPolicy {
  const types = new Set(allowed);
  const list = [...types].join(", ") || "none";
  return (event) => {
    if (types.has(event.type)) return undefined;
    const why = findEventType(event.type)
      ? `${event.type} comes only from mesh functions`
      : `${event.type} is not an event type of the mesh (events/src/catalog.ts)`;
    return `${why}; senders outside the mesh may publish: ${list}`;
  };
}

/**
 * The types outside senders may publish to a mesh of `functions`: the catalog's
 * `fromOutside` types, and the `fromOutside` types the functions' runs wait for
 * (`waitsFor`), which need not be in the catalog.
 */
export function outsideTypesOf(functions: readonly FunctionDefinition[]): string[] {
  const waited = functions.flatMap((definition) =>
    (definition.waitsFor ?? []).filter((type) => type.fromOutside).map((type) => type.type),
  );
  return [...new Set([...outsideEventTypes(), ...waited])];
}
