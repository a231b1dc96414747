import { RetryableError } from "@mesh-six/shared/errors";
import { defineFunction } from "@mesh-six/shared/function/define";

/** The event type the crash tests publish: `data` is `{ key, seq, poison? }`. */
export const stepType = "dev.meshsix.crash.step";

/** The table the function's effects go to; the test creates it. */
export const effectsTable = `CREATE TABLE IF NOT EXISTS crash_effects (
  id        bigserial PRIMARY KEY,
  event_id  text    NOT NULL,
  key       text    NOT NULL,
  seq       integer NOT NULL,
  consumer  text    NOT NULL
)`;

/**
 * A function with one ordered subscription whose effect is a row per handled event,
 * written in the handler's transaction (so the host's inbox makes it happen once). A
 * poisoned event always fails with a retryable error and ends as a dead letter.
 */
export const crashEffects = defineFunction({
  name: "crash-effects",
  description: "records one row per step event; fails poisoned ones",
  subscriptions: [
    {
      name: "steps",
      attributes: { type: stepType },
      order: "ordered",
      delivery: { retry: 2, backoffPolicy: "linear", backoffDelay: "PT0.05S" },
    },
  ],
  async handler(event, ctx) {
    const data = event.data as { key: string; seq: number; poison?: boolean };
    if (data.poison) throw new RetryableError(`step ${data.key}/${data.seq} is poisoned`);
    await ctx.commit(async (tx) => {
      await tx.query("INSERT INTO crash_effects (event_id, key, seq, consumer) VALUES ($1, $2, $3, $4)", [
        event.id,
        data.key,
        data.seq,
        process.env.CRASH_CONSUMER ?? "unknown",
      ]);
    });
  },
});
