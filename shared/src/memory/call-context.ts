import type { LlmCallContext } from "../llm/port.ts";

/** What a memory operation spends LLM and embedding calls on, as `llm_usage.capability` shows it. */
export type MemoryCapability = "memory-extraction" | "memory-recall" | "memory-search" | "memory-storage";

/** Who a memory operation's calls are for: the agent, what for, and the task, user and trace when known. */
export function callContext(
  agent: string,
  capability: MemoryCapability,
  options: {
    readonly taskId?: string;
    readonly userId?: string | null;
    readonly traceId?: string;
  },
): LlmCallContext {
  return {
    agentId: agent,
    capability,
    ...(options.taskId ? { taskId: options.taskId } : {}),
    ...(options.userId ? { userId: options.userId } : {}),
    ...(options.traceId ? { traceId: options.traceId } : {}),
  };
}
