import type { MeshEvent } from "@mesh-six/events";
import { migrate } from "@mesh-six/sql";
import { createManualClock, type ManualClock } from "../clock.ts";
import { createPgliteDb } from "../db/pglite.ts";
import { readFunctionConfig } from "../function/config.ts";
import type { FunctionDefinition } from "../function/define.ts";
import { createMemoryKv } from "../kv/memory.ts";
import { createLogger } from "../log/logger.ts";
import type { Db } from "../ports/db.ts";
import { createFunctionRuntime, type FunctionRuntime } from "./function-runtime.ts";

/** A migrated in-memory PGlite, for the runtime's tests. */
export async function createTestDb(): Promise<Db> {
  const db = await createPgliteDb();
  await migrate(db);
  return db;
}

export interface RuntimeUnderTest {
  readonly runtime: FunctionRuntime;
  readonly clock: ManualClock;
  /** Every event `publish` accepted, in order. */
  readonly published: MeshEvent[];
  /** Every log line, parsed. */
  readonly lines: Record<string, unknown>[];
  /** Makes `publish` fail (the broker is down) or work again. */
  setBrokerDown(down: boolean): void;
  deliver(event: MeshEvent): ReturnType<FunctionRuntime["subscriber"]>;
}

/** A runtime for `definition` over `db`, with a manual clock, captured logs and a recording publisher. */
export function runtimeUnderTest(
  db: Db,
  definition: FunctionDefinition,
  clock: ManualClock = createManualClock(),
): RuntimeUnderTest {
  const published: MeshEvent[] = [];
  const lines: Record<string, unknown>[] = [];
  let brokerDown = false;
  const runtime = createFunctionRuntime({
    definition,
    db,
    kv: createMemoryKv({ clock }),
    clock,
    config: readFunctionConfig(definition, {}),
    logger: createLogger({
      level: "debug",
      now: () => clock.now(),
      write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    }),
    publish: async (event) => {
      if (brokerDown) throw new Error("broker unavailable");
      published.push(event);
    },
  });
  return {
    runtime,
    clock,
    published,
    lines,
    setBrokerDown: (down) => {
      brokerDown = down;
    },
    deliver: (event) => runtime.subscriber(event, { signal: new AbortController().signal }),
  };
}

export async function count(db: Db, sql: string, params: readonly unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ count: number | string }>(sql, params);
  return Number(rows[0]?.count ?? 0);
}
