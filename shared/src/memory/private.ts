import type { AgentMemory } from "./port.ts";

/**
 * `memory` as a private task's run sees it (`ctx.memory` when the task's payload says
 * `"private": true`): every recall, learn, remember and search carries the mark, so its
 * text is embedded only by the local embedder and distilled only on the local LLM tier,
 * whichever code of the run calls it.
 */
export function privateMemory(memory: AgentMemory): AgentMemory {
  return {
    ...memory,
    recall: (query, options = {}) => memory.recall(query, { ...options, private: true }),
    learn: (conversation, options = {}) => memory.learn(conversation, { ...options, private: true }),
    remember: (content, options = {}) =>
      memory.remember(content, { ...options, context: { ...options.context, private: true } }),
    search: (query, options = {}) =>
      memory.search(query, { ...options, context: { ...options.context, private: true } }),
  };
}
