import type { LlmCallContext } from "../llm/port.ts";
import { complexities } from "./tier-choice.ts";

/**
 * What a task's payload says about its LLM calls: `"private": true` (or
 * `"privacy": "private"`) keeps them on the local tier, `complexity` (low, medium, high)
 * picks the tier when the agent fixes none, `sessionId` counts them against session budgets.
 */
export function callMarks(
  payload: Readonly<Record<string, unknown>>,
): Pick<LlmCallContext, "private" | "complexity" | "sessionId"> {
  const marked = payload.private === true || payload.privacy === "private";
  const complexity = complexities.find((level) => level === payload.complexity);
  const session = payload.sessionId;
  return {
    ...(marked ? { private: true } : {}),
    ...(complexity ? { complexity } : {}),
    ...(typeof session === "string" && session !== "" && session.length <= 200 ? { sessionId: session } : {}),
  };
}
