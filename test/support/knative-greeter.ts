import { TaskRequested } from "@mesh-six/events";
import { loadKnativeFunction } from "@mesh-six/knative/serve/start";
import { defineFunction } from "@mesh-six/shared/function/define";
import { z } from "zod";

/**
 * A function that needs GREETING, started as its Knative Service starts it (the
 * functions-framework entry of every bundle), for test/flows/knative-start-config.test.ts.
 */
await loadKnativeFunction(
  defineFunction({
    name: "greeter",
    description: "test function with a variable of its own",
    config: z.object({ GREETING: z.string().min(1).describe("what the greeter says") }),
    subscriptions: [{ name: "requests", attributes: { type: TaskRequested.type } }],
    handler: () => [],
  }),
  { serve: true },
);
