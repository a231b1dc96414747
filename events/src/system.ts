import { z } from "zod";
import { defineEvent } from "./define.ts";

/**
 * What a Knative PingSource sends on its schedule. The embedded host fires
 * function schedules with exactly this type, source and data.
 */
export const PingFired = defineEvent("dev.knative.sources.ping", {
  description: "A schedule fired (Knative PingSource).",
  schema: z.unknown(),
});

export function pingSource(namespace: string, name: string): string {
  return `/apis/v1/namespaces/${namespace}/pingsources/${name}`;
}
