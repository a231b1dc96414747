import type { MeshEvent } from "@mesh-six/events";
import { migrate } from "@mesh-six/sql";
import { createManualClock, type ManualClock } from "../clock.ts";
import { type LlmConfig, llmConfig } from "../config/llm.ts";
import { createPgliteDb } from "../db/pglite.ts";
import { includesConfig, readFunctionConfig } from "../function/config.ts";
import type { FunctionDefinition } from "../function/define.ts";
import { createMemoryKv } from "../kv/memory.ts";
import { createLlm } from "../llm/create.ts";
import type { Llm } from "../llm/port.ts";
import { createLogger } from "../log/logger.ts";
import type { MemoryService } from "../memory/create.ts";
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

export interface RuntimeOptions {
  /** A manual clock at 0 when omitted. */
  readonly clock?: ManualClock;
  /** The environment the function's configuration is read from (nothing set: the offline model). */
  readonly env?: Record<string, string>;
  /** The LLM port; made from the configuration when omitted. */
  readonly llm?: Llm;
  readonly memory?: MemoryService;
}

/** A runtime for `definition` over `db`, with a manual clock, captured logs and a recording publisher. */
export function runtimeUnderTest(
  db: Db,
  definition: FunctionDefinition,
  options: RuntimeOptions = {},
): RuntimeUnderTest {
  const clock = options.clock ?? createManualClock();
  const published: MeshEvent[] = [];
  const lines: Record<string, unknown>[] = [];
  let brokerDown = false;
  const config = readFunctionConfig(definition, options.env ?? {});
  const logger = createLogger({
    level: "debug",
    now: () => clock.now(),
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  // as the hosts do: a function whose config includes the LLM's variables gets the port
  const kv = createMemoryKv({ clock });
  const llm =
    options.llm ??
    (includesConfig(definition, llmConfig)
      ? createLlm({ config: config as LlmConfig, db, kv, clock, logger: logger.child({ component: "llm" }) })
      : undefined);
  const runtime = createFunctionRuntime({
    definition,
    db,
    kv,
    clock,
    config,
    ...(llm ? { llm } : {}),
    ...(options.memory ? { memory: options.memory } : {}),
    logger,
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
