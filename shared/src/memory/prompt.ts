import type { MemoryRecord } from "./port.ts";

export const memoryHeading =
  "What you remember from earlier conversations with this user (use it where it helps):";

/** The memories as a block for an LLM prompt; empty when there are none. */
export function formatMemories(memories: readonly Pick<MemoryRecord, "content">[]): string {
  if (memories.length === 0) return "";
  return `${memoryHeading}\n${memories.map((memory) => `- ${memory.content}`).join("\n")}`;
}
