import { offlineModelId } from "./offline-model.ts";
import type { LlmUsage } from "./port.ts";

/** USD per million tokens, prompt (input) and completion (output; 0 for embedding models). */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** Published list prices of common models; LLM_PRICES adds to and overrides them. */
export const defaultPrices: PriceTable = {
  [offlineModelId]: { input: 0, output: 0 },
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1": { input: 2, output: 8 },
  "text-embedding-3-small": { input: 0.02, output: 0 },
  "text-embedding-3-large": { input: 0.13, output: 0 },
  "text-embedding-ada-002": { input: 0.1, output: 0 },
};

/**
 * The price of a model by exact id, else by the longest listed id it starts with
 * ("gpt-4o-mini-2024-07-18" → "gpt-4o-mini"); undefined when unknown.
 */
export function priceOf(table: PriceTable, modelId: string): ModelPrice | undefined {
  const exact = table[modelId];
  if (exact) return exact;
  const prefix = Object.keys(table)
    .filter((listed) => modelId.startsWith(listed))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? undefined : table[prefix];
}

export function costOf(price: ModelPrice | undefined, usage: Omit<LlmUsage, "costUsd">): number {
  if (!price) return 0;
  return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000;
}
