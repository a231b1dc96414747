import type { LlmRequest } from "./port.ts";

/**
 * How large a request is, for budget estimates and complexity: its UTF-8 bytes (prompt,
 * messages, instructions, tool schemas) and a prompt-token estimate that errs high: a
 * token per 3 bytes plus the chat format's overhead per message.
 */
export function requestSize(request: LlmRequest): { bytes: number; tokens: number; tools: number } {
  const parts = [
    request.instructions ?? "",
    request.prompt ?? "",
    request.messages ? JSON.stringify(request.messages) : "",
    request.tools ? JSON.stringify(request.tools) : "",
  ];
  const bytes = parts.reduce((sum, part) => sum + Buffer.byteLength(part, "utf8"), 0);
  const messages = (request.messages?.length ?? 1) + (request.instructions ? 1 : 0);
  return {
    bytes,
    tokens: Math.ceil(bytes / 3) + 4 * messages + 16,
    tools: request.tools ? Object.keys(request.tools).length : 0,
  };
}
