import { type MeshEvent, TaskRequested } from "@mesh-six/events";
import type { EmbeddedBroker } from "@mesh-six/shared/broker/embedded-broker";
import { createSteppingClock, type SteppingClock } from "@mesh-six/shared/broker/stepping-clock";
import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { type EmbeddedHost, startEmbeddedHost } from "@mesh-six/shared/host/embedded";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import { silentLogger } from "@mesh-six/shared/log/logger";
import type { Clock } from "@mesh-six/shared/ports/clock";
import type { SqlExecutor } from "@mesh-six/shared/ports/db";
import { readTask, type TaskRecord } from "@mesh-six/shared/registry/tasks";
import type { z } from "zod";

export interface TestMesh {
  readonly host: EmbeddedHost;
  readonly clock: SteppingClock;
  /** Resolves once the broker has nothing due and nothing in flight. */
  settle(): Promise<void>;
  /** Moves the clock, letting everything due on the way (retries, schedules) run. */
  advance(ms: number): Promise<void>;
  /** Publishes a task.requested with the given task id and waits until nothing moves. */
  request(taskId: string, data: z.input<typeof TaskRequested.schema>): Promise<TaskRecord>;
  /** Publishes any event and waits until nothing moves. */
  publish(event: MeshEvent): Promise<void>;
  task(taskId: string): Promise<TaskRecord>;
  stop(): Promise<void>;
}

/**
 * The embedded host with `functions`, on in-memory PGlite, the in-process key-value store
 * and a stepping clock: everything real, time moved only by the test.
 */
export async function startTestMesh(
  functions: readonly FunctionDefinition[],
  env: Record<string, string> = {},
): Promise<TestMesh> {
  const clock = createSteppingClock();
  const host = await startEmbeddedHost({
    functions,
    environment: env,
    clock,
    db: await createPgliteDb(),
    kv: createMemoryKv({ clock }),
    logger: silentLogger,
  });
  const settle = () => settleHost(host);
  const task = async (taskId: string) => {
    const found = await readTask(host.db, taskId);
    if (!found) throw new Error(`no task ${taskId}`);
    return found;
  };
  const publish = async (event: MeshEvent) => {
    await host.publish(event);
    await settle();
  };
  return {
    host,
    clock,
    settle,
    advance: (ms) => clock.advance(ms, settle),
    async request(taskId, data) {
      await publish(TaskRequested.create({ source: "/test/flows", id: taskId, data: { ...data, taskId } }));
      return task(taskId);
    },
    publish,
    task,
    stop: () => host.stop(),
  };
}

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
