import type { KafkaBroker } from "./kafka-broker.ts";

/**
 * Resolves once the kafka broker can do nothing more until its clock moves or an event
 * arrives: every record it produced was fetched by every Trigger's consumer, and every
 * delivery is either sleeping until a retry or calling one of the `parked` subscribers
 * (those waiting on the clock). Polls in real time, as Kafka works in real time; for
 * tests on a manual clock.
 */
export async function waitUntilKafkaIdle(broker: KafkaBroker, parked: () => number = () => 0): Promise<void> {
  let quiet = 0;
  while (quiet < 2) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const { caughtUp, running, calling, sleeping } = broker.activity();
    const idle = caughtUp && running === calling + sleeping && calling === parked();
    quiet = idle ? quiet + 1 : 0;
  }
}
