import type { MeshEvent } from "@mesh-six/events";

/** Hands an event to the broker; resolves once the broker has stored it. */
export interface EventPublisher {
  publish(event: MeshEvent): Promise<void>;
}
