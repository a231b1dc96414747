import type { EmbeddedBroker } from "./embedded-broker.ts";

/**
 * Resolves once the embedded broker can do nothing more until its clock moves or an event
 * arrives: the dispatcher sleeps and every delivery in flight is one of the `parked`
 * subscriber calls (those waiting on the clock). For tests on a manual clock.
 */
export async function waitUntilIdle(broker: EmbeddedBroker, parked: () => number = () => 0): Promise<void> {
  for (;;) {
    await new Promise((resolve) => setImmediate(resolve));
    const activity = broker.activity();
    if (activity.waiting && activity.inFlight === activity.calling && activity.calling === parked()) return;
  }
}
