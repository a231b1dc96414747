import { criteriaOf, type RecordedResponse, type RequestMatch } from "./fixture.ts";

/**
 * Fixtures for one test, built in code in the shapes OpenAI documents for
 * `POST /v1/chat/completions` (the `chat.completion` and `chat.completion.chunk` objects,
 * the error body), like the files in `fixtures/`: `server.use(reply({ match, content }))`.
 */
export interface Usage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

interface Common {
  /** A text the last user message contains, or several criteria. */
  readonly match: string | RequestMatch;
  /** Names it in scripts and errors; derived from the match when omitted. */
  readonly name?: string;
  readonly model?: string;
  readonly usage?: Usage;
}

const provenance =
  "built in a test by @mesh-six/testing-openai's builders, in the shape OpenAI documents for POST /v1/chat/completions (API reference); not recorded";

const defaultUsage: Usage = { promptTokens: 20, completionTokens: 10 };
let built = 0;

function base(common: Common, kind: string) {
  built += 1;
  const label = typeof common.match === "string" ? common.match : JSON.stringify(common.match);
  return {
    name: common.name ?? `${kind}-${built}`,
    description: `${kind} for ${label}`,
    provenance,
    match: common.match,
    id: `chatcmpl-test${built.toString().padStart(6, "0")}`,
    model: common.model ?? "gpt-4o-mini-2024-07-18",
    usage: common.usage ?? defaultUsage,
  };
}

const usageBody = ({ promptTokens, completionTokens }: Usage) => ({
  prompt_tokens: promptTokens,
  completion_tokens: completionTokens,
  total_tokens: promptTokens + completionTokens,
});

function completion(common: Common, kind: string, message: Record<string, unknown>, finishReason: string) {
  const { id, model, usage, ...fixture } = base(common, kind);
  return {
    ...fixture,
    status: 200,
    headers: { "content-type": "application/json", "x-request-id": `req_${id}` },
    body: {
      id,
      object: "chat.completion",
      created: 1_750_000_000,
      model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", refusal: null, annotations: [], ...message },
          logprobs: null,
          finish_reason: finishReason,
        },
      ],
      usage: usageBody(usage),
    },
  } satisfies RecordedResponse;
}

/** A plain answer. */
export function reply(settings: Common & { readonly content: string }): RecordedResponse {
  return completion(settings, "reply", { content: settings.content }, "stop");
}

/** A structured answer (for `response_format: json_schema`): the object as JSON in the content. */
export function structured(settings: Common & { readonly object: unknown }): RecordedResponse {
  return completion(
    { ...settings, match: { responseFormat: "json_schema", ...criteriaOf(settings) } },
    "structured",
    { content: JSON.stringify(settings.object) },
    "stop",
  );
}

export interface ToolCall {
  readonly name: string;
  readonly arguments: Record<string, unknown>;
  /** `call_…`; derived from the position when omitted. */
  readonly id?: string;
}

/** The model asks for tool calls (several at once are parallel calls). */
export function toolCalls(settings: Common & { readonly calls: readonly ToolCall[] }): RecordedResponse {
  return completion(
    { ...settings, match: { tools: true, lastRole: "user", ...criteriaOf(settings) } },
    "tool-calls",
    {
      content: null,
      tool_calls: settings.calls.map((call, index) => ({
        id: call.id ?? `call_test${built}_${index}`,
        type: "function",
        function: { name: call.name, arguments: JSON.stringify(call.arguments) },
      })),
    },
    "tool_calls",
  );
}

/** A streamed answer: one chunk per piece, then the finish and the usage chunk. */
export function streamed(settings: Common & { readonly pieces: readonly string[] }): RecordedResponse {
  const { id, model, usage, ...fixture } = base(settings, "streamed");
  const chunk = (choices: unknown[], chunkUsage: unknown = null) => ({
    id,
    object: "chat.completion.chunk",
    created: 1_750_000_000,
    model,
    choices,
    usage: chunkUsage,
  });
  const delta = (content: Record<string, unknown>, finishReason: string | null = null) => ({
    index: 0,
    delta: content,
    logprobs: null,
    finish_reason: finishReason,
  });
  return {
    ...fixture,
    status: 200,
    headers: { "content-type": "text/event-stream; charset=utf-8", "x-request-id": `req_${id}` },
    chunks: [
      chunk([delta({ role: "assistant", content: "", refusal: null })]),
      ...settings.pieces.map((piece) => chunk([delta({ content: piece })])),
      chunk([delta({}, "stop")]),
      chunk([], usageBody(usage)),
    ],
  };
}

/** An error in OpenAI's error shape; `retryAfter` (seconds) adds the `retry-after` header. */
export function failure(
  settings: Pick<Common, "match" | "name"> & {
    readonly status: number;
    readonly type: string;
    readonly code?: string | null;
    readonly message: string;
    readonly retryAfter?: number;
  },
): RecordedResponse {
  const { id: _id, model: _model, usage: _usage, ...fixture } = base(settings, "failure");
  return {
    ...fixture,
    status: settings.status,
    headers: {
      "content-type": "application/json",
      ...(settings.retryAfter === undefined ? {} : { "retry-after": String(settings.retryAfter) }),
    },
    body: {
      error: { message: settings.message, type: settings.type, param: null, code: settings.code ?? null },
    },
  };
}
