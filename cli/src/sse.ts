/** One Server-Sent Events message: its `data` lines joined, and its `id` and `event` when given. */
export interface SseMessage {
  readonly data: string;
  readonly id?: string;
  readonly event?: string;
}

/**
 * Reads a `text/event-stream` body (the WHATWG rules: lines end in CR, LF or CRLF, a blank line
 * ends a message, `:` starts a comment, a field without data is skipped).
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  let buffer = "";
  let data: string[] = [];
  let id: string | undefined;
  let event: string | undefined;
  for await (const chunk of body.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    // a CR at the very end may be the first half of a CRLF: hold it back for the next chunk
    const held = buffer.endsWith("\r") ? "\r" : "";
    const lines = buffer.slice(0, buffer.length - held.length).split(/\r\n|\r|\n/);
    buffer = lines.pop()! + held;
    for (const line of lines) {
      if (line === "") {
        if (data.length > 0) {
          yield {
            data: data.join("\n"),
            ...(id === undefined ? {} : { id }),
            ...(event === undefined ? {} : { event }),
          };
        }
        data = [];
        event = undefined;
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data") data.push(value);
      else if (field === "id") id = value;
      else if (field === "event") event = value;
    }
  }
}
