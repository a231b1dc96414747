/**
 * The server-sent events of a streamed chat completion, as OpenAI documents them: one
 * `data: <chunk>` event per `chat.completion.chunk`, then `data: [DONE]`.
 *
 * Fixtures hold the stream as sent with `stream_options: {"include_usage": true}`: every
 * chunk carries `"usage": null` and a last chunk with `"choices": []` carries the usage.
 * Without that option OpenAI sends neither, so both are taken out.
 */
export function serverSentEvents(chunks: readonly unknown[], includeUsage: boolean): string {
  const sent = includeUsage ? chunks : chunks.filter((chunk) => !isUsageChunk(chunk)).map(withoutUsage);
  return `${sent.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join("")}data: [DONE]\n\n`;
}

function isUsageChunk(chunk: unknown): boolean {
  const { choices, usage } = chunk as { choices?: unknown[]; usage?: unknown };
  return Array.isArray(choices) && choices.length === 0 && usage !== null && usage !== undefined;
}

function withoutUsage(chunk: unknown): unknown {
  if (typeof chunk !== "object" || chunk === null || !("usage" in chunk)) return chunk;
  const { usage: _usage, ...rest } = chunk as Record<string, unknown>;
  return rest;
}
