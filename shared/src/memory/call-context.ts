import type { LlmCallContext } from "../llm/port.ts";

/** What a memory operation spends LLM and embedding calls on, as `llm_usage.capability` shows it. */
export type MemoryCapability = "memory-extraction" | "memory-recall" | "memory-search" | "memory-storage";

/** Who a memory operation's calls are for: the agent, what for, the task, user and trace when known, and whether the task is private. */
export function callContext(
  agent: string,
  capability: MemoryCapability,
  options: {
    readonly taskId?: string;
    readonly userId?: string | null;
    readonly traceId?: string;
    /** The task is private: its text reaches only the local LLM tier and the local embedder. */
    readonly private?: boolean;
  },
): LlmCallContext {
  return {
    agentId: agent,
    capability,
    ...(options.taskId ? { taskId: options.taskId } : {}),
    ...(options.userId ? { userId: options.userId } : {}),
    ...(options.traceId ? { traceId: options.traceId } : {}),
    ...(options.private ? { private: true } : {}),
  };
}
