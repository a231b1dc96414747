import type { MeshEvent } from "@mesh-six/events";
import { createManualClock, type ManualClock } from "@mesh-six/shared/clock";
import { readConfig } from "@mesh-six/shared/config/read";
import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import { silentLogger } from "@mesh-six/shared/log/logger";
import { migrate } from "@mesh-six/sql";
import { type GatewayContext, gatewayConfig } from "../config.ts";

export interface GatewayTestContext extends GatewayContext {
  readonly clock: ManualClock;
  /** Every event handed to `publish`, in order. */
  readonly published: MeshEvent[];
  /** Makes the next `publish` calls reject, as a broker that cannot store does. */
  failPublishing(reason: string | undefined): void;
}

/**
 * A gateway context on a migrated in-memory PGlite and a manual clock, its settings read
 * from `env` (nothing set: the defaults); close `db` when done.
 */
export async function createGatewayTestContext(
  env: Readonly<Record<string, string>> = {},
): Promise<GatewayTestContext> {
  const db = await createPgliteDb();
  await migrate(db);
  const clock = createManualClock();
  const published: MeshEvent[] = [];
  let failure: string | undefined;
  return {
    db,
    kv: createMemoryKv({ clock }),
    logger: silentLogger,
    clock,
    config: readConfig(gatewayConfig, env),
    variable: (name) => env[name],
    published,
    failPublishing(reason) {
      failure = reason;
    },
    async publish(event) {
      if (failure) throw new Error(failure);
      published.push(event);
    },
  };
}

/** Resolves once something waits on the clock (the stream between polls). */
export async function untilSleeping(clock: ManualClock, count = 1): Promise<void> {
  while (clock.pending < count) await new Promise((resolve) => setImmediate(resolve));
}

/** Resolves once nothing waits on the clock any more (the stream has stopped). */
export async function untilIdle(clock: ManualClock): Promise<void> {
  while (clock.pending > 0) await new Promise((resolve) => setImmediate(resolve));
}
