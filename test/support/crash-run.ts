import { type MeshEvent, RunContinued } from "@mesh-six/events";
import { defineAgent, tool } from "@mesh-six/shared/agent";
import type { Broker } from "@mesh-six/shared/broker/types";
import { defineFunction } from "@mesh-six/shared/function/define";
import type { Llm } from "@mesh-six/shared/llm/port";
import { z } from "zod";

/**
 * Where the crash suite for runs stops the host process, from MESH_TEST_CRASH_RUN:
 * - `before-step:<step>`: inside the step's work, before its side effect;
 * - `after-work:<step>`: after the step's side effect (or LLM call), before its result commits;
 * - `before-publish:<step>`: after the step committed with its run.continued, before that is published.
 */
export type RunCrashPoint = "before-step" | "after-work" | "before-publish";

function crashes(point: RunCrashPoint, step: string): boolean {
  return process.env.MESH_TEST_CRASH_RUN === `${point}:${step}`;
}

function die(): never {
  process.kill(process.pid, "SIGKILL");
  throw new Error("unreachable");
}

/** Table the crash runner writes each side effect to, with the process that did it. */
export const runEffectsTable =
  "CREATE TABLE run_effects (task_id text NOT NULL, step text NOT NULL, pid integer NOT NULL)";

/** Three steps, one hop each: a side effect, an LLM call, another side effect. */
export const crashRunner = defineFunction({
  name: "crash-runner",
  description: "test function for the runs crash suite",
  capabilities: [{ name: "crash-run", weight: 1 }],
  runSettings: { hopBudgetMs: 0 },
  delivery: { retry: 20, backoffPolicy: "linear", backoffDelay: "PT0.2S", timeout: "PT5S" },
  async run(_input, step, ctx) {
    const effect = (name: string) =>
      step.do(name, async () => {
        if (crashes("before-step", name)) die();
        await ctx.db.query("INSERT INTO run_effects (task_id, step, pid) VALUES ($1, $2, $3)", [
          ctx.task?.taskId,
          name,
          process.pid,
        ]);
        if (crashes("after-work", name)) die();
        return name;
      });
    const one = await effect("one");
    const two = await step.llm("two", { prompt: "What is 2+2?" });
    const three = await effect("three");
    return { one, two: two.text, three };
  },
});

/** An agent of two LLM turns around one tool call, whose side effect is counted in `run_effects`. */
export const crashAgent = defineAgent({
  name: "crash-agent",
  description: "test agent for the runs crash suite",
  capabilities: [{ name: "crash-agent", weight: 1 }],
  input: z.object({ query: z.string() }),
  instructions: "Use the lookup tool, then answer.",
  runSettings: { hopBudgetMs: 0 },
  delivery: { retry: 20, backoffPolicy: "linear", backoffDelay: "PT0.2S", timeout: "PT5S" },
  tools: {
    lookup: tool({
      description: "looks the answer up",
      input: z.object({ query: z.string() }),
      async run(_input, ctx) {
        if (crashes("before-step", "lookup")) die();
        await ctx.db.query("INSERT INTO run_effects (task_id, step, pid) VALUES ($1, $2, $3)", [
          ctx.task?.taskId,
          "lookup",
          process.pid,
        ]);
        if (crashes("after-work", "lookup")) die();
        return { found: 42 };
      },
    }),
  },
});

/** The Llm port, stopping the process after the LLM answered step `<step>` when `after-work:<step>` says so. */
export function crashingLlm(llm: Llm): Llm {
  return {
    ...llm,
    async generate(request) {
      const response = await llm.generate(request);
      if (request.context.step && crashes("after-work", request.context.step)) die();
      return response;
    },
  };
}

/** The broker, stopping the process instead of publishing the crash runner's run.continued after `<step>`. */
export function crashingBroker(broker: Broker): Broker {
  const steps = ["one", "two", "three"];
  let continued = 0;
  return {
    ...broker,
    start: () => broker.start(),
    stop: () => broker.stop(),
    async publish(event: MeshEvent) {
      if (RunContinued.is(event) && event.source === "/mesh-six/crash-runner") {
        const after = steps[continued];
        continued += 1;
        if (after && crashes("before-publish", after)) die();
      }
      return broker.publish(event);
    },
  };
}
