import { defineEvent, type MeshEvent } from "@mesh-six/events";
import { defineFunction, type FunctionContext } from "@mesh-six/shared/function/define";
import { z } from "zod";

/** An event whose effect is counted once in Postgres by `crash-counter`. */
export const CrashCounted = defineEvent("dev.meshsix.test.counted", {
  description: "test: count me once",
  fromOutside: true,
  schema: z.object({ n: z.number().int() }),
});

/** The follow-up `crash-counter` emits with its effect; `crash-echo` records it once. */
export const CrashEchoed = defineEvent("dev.meshsix.test.echoed", {
  description: "test: the counter's follow-up",
  schema: z.object({ of: z.string() }),
});

/** An event `crash-holder` counts once; its Trigger allows a delivery ten minutes. */
export const CrashHeld = defineEvent("dev.meshsix.test.held", {
  description: "test: count me once, however long it takes",
  schema: z.object({ n: z.number().int() }),
});

/**
 * Where the crash host ends its process, from MESH_TEST_CRASH=`<point>:<id>`: the crash
 * functions for the event with that id, or (`before-publish`) the broker when the
 * gateway publishes the task.requested whose `requestedBy` is that id.
 */
export type CrashPoint = "hold" | "before-commit" | "after-commit" | "before-publish";

export function crashPoint(id: string): CrashPoint | undefined {
  const [point, target] = (process.env.MESH_TEST_CRASH ?? "").split(":");
  return target === id ? (point as CrashPoint) : undefined;
}

// Short, so deliveries claimed by a killed process come back within seconds.
const delivery = { retry: 20, backoffPolicy: "linear", backoffDelay: "PT0.2S", timeout: "PT2S" } as const;

/**
 * Counts the event once (a row per event and a total) and emits what `follow` makes of it,
 * all in one commit. MESH_TEST_CRASH makes it stop its own process with SIGKILL before or
 * after the commit, or wait (printing `holding <id>`) until the test kills it.
 */
async function countOnce(
  event: MeshEvent,
  ctx: FunctionContext,
  follow: () => readonly MeshEvent[],
): Promise<readonly MeshEvent[]> {
  const point = crashPoint(event.id);
  if (point === "hold") {
    process.stdout.write(`holding ${event.id}\n`);
    await new Promise(() => {});
  }
  if (point === "before-commit") process.kill(process.pid, "SIGKILL");
  const events = await ctx.commit(async (tx) => {
    await tx.query("INSERT INTO crash_effects (event_id, pid) VALUES ($1, $2)", [event.id, process.pid]);
    await tx.query("UPDATE crash_total SET n = n + 1");
    return follow();
  });
  if (point === "after-commit") process.kill(process.pid, "SIGKILL");
  return events;
}

/** Counts each event once and emits a follow-up (see `countOnce`). */
export const crashCounter = defineFunction({
  name: "crash-counter",
  description: "test function for the crash suite",
  subscriptions: [{ name: "counted", attributes: { type: CrashCounted.type } }],
  delivery,
  handler: (event, ctx) => countOnce(event, ctx, () => [ctx.emit(CrashEchoed, { of: event.id })]),
});

/**
 * Counts each event once; its delivery may take ten minutes, so a held delivery comes back
 * to another host only through its claim running out (the take-over suite).
 */
export const crashHolder = defineFunction({
  name: "crash-holder",
  description: "test function for the take-over suite",
  subscriptions: [{ name: "held", attributes: { type: CrashHeld.type } }],
  delivery: { ...delivery, timeout: "PT600S" },
  handler: (event, ctx) => countOnce(event, ctx, () => []),
});

/** Records each follow-up of `crash-counter` once. */
export const crashEcho = defineFunction({
  name: "crash-echo",
  description: "test function for the crash suite",
  subscriptions: [{ name: "echoed", attributes: { type: CrashEchoed.type } }],
  delivery,
  async handler(event, ctx) {
    const parsed = CrashEchoed.parse(event);
    if (!parsed.ok) throw new Error(parsed.error);
    return ctx.commit(async (tx) => {
      await tx.query("INSERT INTO crash_echoes (event_id) VALUES ($1)", [parsed.data.of]);
    });
  },
});

/** The tables the two functions write, made by the test before the host starts. */
export const crashTables = `
  CREATE TABLE crash_effects (event_id text NOT NULL, pid integer NOT NULL);
  CREATE TABLE crash_echoes (event_id text NOT NULL);
  CREATE TABLE crash_total (n integer NOT NULL);
  INSERT INTO crash_total VALUES (0);
`;
