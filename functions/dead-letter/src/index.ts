import { storeDeadLetter } from "@mesh-six/shared/broker/dead-letters";
import { defineFunction } from "@mesh-six/shared/function/define";

/**
 * The dead-letter sink of every Trigger. Knative delivers an event here, with the
 * `knativeerror*` extensions, once its retries are spent; it is stored in Postgres so it
 * can be listed and replayed. Knative drops a dead letter when there is no sink; we never do.
 */
export const deadLetter = defineFunction({
  name: "dead-letter",
  description: "Stores every dead-lettered event in Postgres for listing and replay.",
  scaling: { minScale: 0, maxScale: 2, concurrency: 50, timeoutSeconds: 30 },
  async handler(event, ctx) {
    await ctx.commit(async (tx) => {
      await storeDeadLetter(tx, {
        broker: `${ctx.config.MESH_NAMESPACE}/${ctx.config.MESH_BROKER_NAME}`,
        event,
      });
    });
  },
});
