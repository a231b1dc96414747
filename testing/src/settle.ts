import type { EmbeddedBroker } from "@mesh-six/shared/broker/embedded-broker";
import type { EmbeddedHost } from "@mesh-six/shared/host/embedded";
import type { Clock } from "@mesh-six/shared/ports/clock";
import type { SqlExecutor } from "@mesh-six/shared/ports/db";

/** Resolves once the host's embedded broker has nothing due and nothing in flight. */
export function settleHost(host: EmbeddedHost): Promise<void> {
  return settleBroker(host.broker as EmbeddedBroker, host.db, host.clock);
}

/**
 * Resolves once an embedded broker has nothing due and nothing in flight, three looks in
 * a row: what its deliveries published (in process or over HTTP) has been stored by then.
 */
export async function settleBroker(broker: EmbeddedBroker, db: SqlExecutor, clock: Clock): Promise<void> {
  let quiet = 0;
  while (quiet < 3) {
    await new Promise((resolve) => setImmediate(resolve));
    const activity = broker.activity();
    if (!(activity.waiting && activity.inFlight === 0)) {
      quiet = 0;
      continue;
    }
    const { rows } = await db.query<{ due: number }>(
      "SELECT count(*)::int AS due FROM broker_deliveries WHERE status = 'pending' AND next_attempt_at <= $1",
      [clock.now()],
    );
    quiet = rows[0]?.due === 0 ? quiet + 1 : 0;
  }
}
