import { criteriaOf, type RecordedResponse, type RequestMatch } from "./fixture.ts";

export const chatPath = "/v1/chat/completions";
export const embeddingsPath = "/v1/embeddings";

/** A request body as the server reads it: lenient, since clients send more than we look at. */
export type RequestBody = {
  readonly model?: string;
  readonly messages?: readonly { readonly role: string; readonly content?: unknown }[];
  /** What an embeddings request asks to embed. */
  readonly input?: string | readonly string[];
  readonly tools?: readonly unknown[];
  readonly response_format?: { readonly type?: string };
  readonly stream?: boolean;
  readonly stream_options?: { readonly include_usage?: boolean };
} & Record<string, unknown>;

/** What fixtures are matched against. */
export interface RequestView {
  readonly path: string;
  /** The last user message's text (for embeddings: the input, one text a line). */
  readonly text: string;
  readonly tools: boolean;
  readonly responseFormat: string | undefined;
  readonly lastRole: string | undefined;
  readonly toolResult: string | undefined;
  readonly stream: boolean;
}

export function viewOf(path: string, body: RequestBody): RequestView {
  if (path === embeddingsPath) {
    return {
      path,
      text: inputText(body.input),
      tools: false,
      responseFormat: undefined,
      lastRole: undefined,
      toolResult: undefined,
      stream: false,
    };
  }
  const messages = body.messages ?? [];
  const lastOf = (role: string) => [...messages].reverse().find((message) => message.role === role);
  const toolMessage = lastOf("tool");
  return {
    path,
    text: textOf(lastOf("user")?.content),
    tools: (body.tools?.length ?? 0) > 0,
    responseFormat: body.response_format?.type,
    lastRole: messages.at(-1)?.role,
    toolResult: toolMessage ? textOf(toolMessage.content) : undefined,
    stream: body.stream === true,
  };
}

/** Whether the fixture answers this request: its endpoint, its shape (streamed or not) and every criterion. */
export function fits(fixture: RecordedResponse, view: RequestView): boolean {
  if ((fixture.path ?? chatPath) !== view.path) return false;
  if (fixture.status < 400 && (fixture.chunks !== undefined) !== view.stream) return false;
  const criteria = criteriaOf(fixture);
  return (
    (criteria.text === undefined || view.text.includes(criteria.text)) &&
    (criteria.tools === undefined || criteria.tools === view.tools) &&
    (criteria.responseFormat === undefined || criteria.responseFormat === view.responseFormat) &&
    (criteria.lastRole === undefined || criteria.lastRole === view.lastRole) &&
    (criteria.toolResult === undefined || (view.toolResult ?? "").includes(criteria.toolResult))
  );
}

/**
 * The fixture that fits with the most criteria; on a tie the one with the longer text
 * ("weather in Paris and Tokyo" before "weather in Paris"), then the first.
 */
export function choose(
  fixtures: readonly RecordedResponse[],
  view: RequestView,
): RecordedResponse | undefined {
  let best: RecordedResponse | undefined;
  let bestScore = -1;
  for (const fixture of fixtures) {
    if (!fits(fixture, view)) continue;
    const criteria = criteriaOf(fixture);
    // criteria count first; the text's length only breaks ties
    const score = Object.keys(criteria).length * 1_000_000 + (criteria.text?.length ?? 0);
    if (score > bestScore) {
      best = fixture;
      bestScore = score;
    }
  }
  return best;
}

/** How a fixture's match reads in an error message. */
export function describeMatch(fixture: RecordedResponse): string {
  const criteria: RequestMatch = criteriaOf(fixture);
  const shape = fixture.chunks ? ", streamed" : "";
  return `${fixture.name} (${JSON.stringify(criteria)}${shape})`;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    // content parts: [{type: "text", text: "…"}, …]
    return content
      .map((part) => (typeof part?.text === "string" ? part.text : ""))
      .filter(Boolean)
      .join("\n");
  }
  return content === undefined || content === null ? "" : JSON.stringify(content);
}

/** An embeddings request's input, its texts one per line. */
function inputText(input: RequestBody["input"]): string {
  if (typeof input === "string") return input;
  return Array.isArray(input) ? input.map(String).join("\n") : "";
}
