import { NonRetryableError } from "../errors.ts";
import type { Llm } from "../llm/port.ts";

/**
 * The Llm a run gets when its host gave it none: every call fails, saying why. Hosts build
 * `ctx.llm` for every function whose config includes `llmConfig` (every run's does), so
 * this is only met by a runtime put together by hand; not building a model here keeps the
 * AI SDK out of the bundles of functions that never call one.
 */
export function noLlm(functionName: string): Llm {
  const fail = (): never => {
    throw new NonRetryableError(
      `${functionName}: step.llm has no LLM port: give the runtime ctx.llm (the hosts build it from the function's llmConfig variables)`,
    );
  };
  const tier = { modelId: "none", offline: true } as const;
  return {
    modelId: "none",
    offline: true,
    defaultTier: "mid",
    tiers: { local: tier, mid: tier, strong: tier },
    generate: async () => fail(),
    generateObject: async () => fail(),
  };
}
