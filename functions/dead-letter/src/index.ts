import { storeDeadLetter } from "@mesh-six/shared/broker/dead-letters";
import { platformConfig } from "@mesh-six/shared/config/platform";
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
  // each dead letter records the broker it came through
  config: platformConfig.pick({ MESH_NAMESPACE: true, MESH_BROKER_NAME: true }),
  async handler(event, ctx) {
    await ctx.commit(async (tx) => {
      await storeDeadLetter(tx, {
        broker: `${ctx.config.MESH_NAMESPACE}/${ctx.config.MESH_BROKER_NAME}`,
        event,
      });
    });
  },
});
