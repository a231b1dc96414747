import { z } from "zod";
import type { LlmMessage } from "../llm/port.ts";

/**
 * The earlier turns a chat task carries (`payload.messages`, as the gateway's chat API
 * writes it: `{role: "system" | "user" | "assistant", content: string}`, the newest last,
 * the question itself among them). Anything else in `messages` is ignored.
 */
const chatMessages = z
  .array(z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() }))
  .max(1000);

export interface Conversation {
  /** What the model is given: the earlier user and assistant turns, then the question. */
  readonly messages: LlmMessage[];
  /** The caller's system messages, to add to the agent's own instructions. */
  readonly system?: string;
}

/**
 * The conversation an agent answers: just the question, or, for a task whose payload
 * holds `messages`, the turns before the last user message (which is the question) and
 * the question.
 */
export function conversationOf(payload: unknown, question: string): Conversation {
  const carried = chatMessages.safeParse((payload as { messages?: unknown } | null)?.messages);
  const asked: LlmMessage = { role: "user", content: question };
  if (!carried.success || carried.data.length === 0) return { messages: [asked] };
  const lastUser = carried.data.map((message) => message.role).lastIndexOf("user");
  const earlier = carried.data.slice(0, lastUser === -1 ? carried.data.length : lastUser);
  const system = earlier
    .filter((message) => message.role === "system")
    .map((message) => message.content)
    .join("\n\n");
  const turns = earlier.flatMap((message): LlmMessage[] =>
    message.role === "user" || message.role === "assistant"
      ? [{ role: message.role, content: message.content }]
      : [],
  );
  return { messages: [...turns, asked], ...(system ? { system } : {}) };
}

/**
 * Whether the task asks for its answer live (`payload.stream: true`, as the chat API's
 * streamed requests write it): a text agent then publishes its text as it writes it.
 */
export function wantsLiveText(payload: unknown): boolean {
  return (payload as { stream?: unknown } | null)?.stream === true;
}

/** The agent's instructions with the caller's system messages after them. */
export function withCallerInstructions(instructions: string, system: string | undefined): string {
  return system ? `${instructions}\n\nThe caller's instructions:\n${system}` : instructions;
}
