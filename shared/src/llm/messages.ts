import type { jsonSchema as JsonSchema, ModelMessage, ToolSet } from "ai";
import type { LlmMessage, LlmToolSpec } from "./port.ts";

/** The port's messages as the AI SDK's: tool calls as parts, tool results as JSON (or error text). */
export function toModelMessages(messages: readonly LlmMessage[]): ModelMessage[] {
  return messages.map((message): ModelMessage => {
    if (message.role === "user") return { role: "user", content: message.content };
    if (message.role === "assistant") {
      const calls = message.toolCalls ?? [];
      if (calls.length === 0) return { role: "assistant", content: message.content };
      return {
        role: "assistant",
        content: [
          ...(message.content ? [{ type: "text" as const, text: message.content }] : []),
          ...calls.map((call) => ({
            type: "tool-call" as const,
            toolCallId: call.id,
            toolName: call.name,
            input: call.input,
          })),
        ],
      };
    }
    return {
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolCallId: message.toolCallId,
          toolName: message.toolName,
          output: message.error
            ? {
                type: "error-text",
                value: typeof message.result === "string" ? message.result : JSON.stringify(message.result),
              }
            : { type: "json", value: (message.result ?? null) as never },
        },
      ],
    };
  });
}

/** Tools the model may ask for, with no `execute`: the SDK hands the calls back and the caller runs them. */
export function toToolSet(
  tools: Readonly<Record<string, LlmToolSpec>>,
  jsonSchema: typeof JsonSchema,
): ToolSet {
  return Object.fromEntries(
    Object.entries(tools).map(([name, spec]) => [
      name,
      { description: spec.description, inputSchema: jsonSchema(spec.inputSchema as never) },
    ]),
  );
}
