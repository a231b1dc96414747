import { z } from "zod";

/** Limits of one chat request, checked before a task is made. */
export const chatLimits = { messages: 100, messageChars: 100_000, totalChars: 400_000 } as const;

const textPart = z.object({ type: z.literal("text"), text: z.string() });
const part = z.looseObject({ type: z.string() });
const content = z.union([z.string(), z.array(part).min(1, "must hold at least one part")]);

const message = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant"], {
    error:
      "must be system, developer, user or assistant (tool results need tool calls, which mesh-six's chat API does not make)",
  }),
  content: content.nullable().optional(),
  name: z.string().max(200).optional(),
});

/**
 * A chat completion request (OpenAI's documented fields). Fields that steer sampling
 * (`temperature`, `top_p`, `max_tokens`, `seed`, `stop`, …) are accepted and left to the
 * agent's own model settings; those mesh-six cannot honour are refused by `chatProblem`.
 */
export const chatRequest = z.looseObject({
  model: z.string({ error: "is required: name a model from GET /v1/models, e.g. mesh-six" }).min(1).max(200),
  messages: z
    .array(message, { error: "is required: a list of {role, content} messages, the question last" })
    .min(1, "must hold at least one message")
    .max(
      chatLimits.messages,
      `holds more than ${chatLimits.messages} messages; send at most ${chatLimits.messages}`,
    ),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  n: z.number().int().nullable().optional(),
  user: z.string().min(1).max(200).optional(),
  tools: z.array(z.unknown()).optional(),
  functions: z.array(z.unknown()).optional(),
  response_format: z.looseObject({ type: z.string() }).optional(),
});

export type ChatRequest = z.output<typeof chatRequest>;

/** A chat message as the task's payload carries it. */
export interface PayloadMessage {
  readonly role: "system" | "user" | "assistant";
  readonly content: string;
}

export type ChatParse =
  | { readonly ok: true; readonly request: ChatRequest; readonly messages: PayloadMessage[] }
  | { readonly ok: false; readonly message: string; readonly param: string };

/** The request checked at the edge: its shape, what mesh-six can answer, its text within the limits. */
export function parseChatRequest(body: unknown): ChatParse {
  const parsed = chatRequest.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = pathOf(issue.path);
    return { ok: false, param, message: `invalid '${param}': ${issue.message}` };
  }
  const request = parsed.data;
  const refused = unsupported(request);
  if (refused) return { ok: false, ...refused };
  const messages: PayloadMessage[] = [];
  let total = 0;
  for (const [index, each] of request.messages.entries()) {
    const text = textOf(each.content, `messages[${index}].content`);
    if (typeof text !== "string") return { ok: false, ...text };
    if (text.length > chatLimits.messageChars) {
      return {
        ok: false,
        param: `messages[${index}].content`,
        message: `messages[${index}] holds ${text.length} characters; a message may hold at most ${chatLimits.messageChars}`,
      };
    }
    total += text.length;
    messages.push({ role: each.role === "developer" ? "system" : each.role, content: text });
  }
  if (total > chatLimits.totalChars) {
    return {
      ok: false,
      param: "messages",
      message: `the messages hold ${total} characters in all; send at most ${chatLimits.totalChars} (drop older turns)`,
    };
  }
  const last = messages.at(-1)!;
  if (last.role !== "user" || last.content.trim() === "") {
    return {
      ok: false,
      param: `messages[${messages.length - 1}]`,
      message:
        "the last message must be the user's question, with text: end the list with {role: 'user', content: '…'}",
    };
  }
  return { ok: true, request, messages };
}

function unsupported(request: ChatRequest): { message: string; param: string } | undefined {
  if (request.n !== undefined && request.n !== null && request.n !== 1) {
    return { param: "n", message: "mesh-six answers with one choice; leave 'n' out or set it to 1" };
  }
  for (const field of ["tools", "functions"] as const) {
    if (request[field] !== undefined && request[field].length > 0) {
      return {
        param: field,
        message: `mesh-six's agents call their own tools; a chat request cannot give them '${field}': leave it out (or ask an agent whose tools do the work, GET /v1/models)`,
      };
    }
  }
  const format = request.response_format?.type;
  if (format !== undefined && format !== "text") {
    return {
      param: "response_format",
      message: `response_format '${format}' is not supported: agents answer in their own format (text, or an agent's output schema); leave it out or use {type: 'text'}`,
    };
  }
  return undefined;
}

/** A message's text: a string, or its text parts joined; other parts are refused, naming them. */
function textOf(value: unknown, param: string): string | { message: string; param: string } {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  const texts: string[] = [];
  for (const [index, each] of (value as { type: string }[]).entries()) {
    const parsed = textPart.safeParse(each);
    if (!parsed.success) {
      const kind = each.type === "text" ? "a text part without its 'text'" : `a '${each.type}' part`;
      return {
        param: `${param}[${index}]`,
        message: `${param}[${index}] is ${kind}; mesh-six takes text only: send {type: 'text', text: '…'} parts or a string`,
      };
    }
    texts.push(parsed.data.text);
  }
  return texts.join("\n");
}

function pathOf(path: readonly PropertyKey[]): string {
  let text = "";
  for (const key of path) text += typeof key === "number" ? `[${key}]` : `${text ? "." : ""}${String(key)}`;
  return text || "body";
}
