import type { Message, Part } from "@a2a-js/sdk";

/** Where a new A2A task goes: the capability and the mesh task's payload. */
export interface MeshRequest {
  readonly capability: string;
  readonly payload: Record<string, unknown>;
}

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: string };

const capabilityPattern = /^[a-z0-9][a-z0-9.-]{0,99}$/;

/** The text parts of a message, joined by newlines. */
export function textOf(message: Message): string {
  return message.parts
    .map((part) => (part.content?.$case === "text" ? part.content.value : undefined))
    .filter((text): text is string => text !== undefined)
    .join("\n");
}

/** The capability a message names in `metadata.capability` (its own, else the request's); undefined when none. */
export function capabilityNamed(
  message: Message,
  requestMetadata: Record<string, unknown> | undefined,
): unknown {
  return message.metadata?.capability ?? requestMetadata?.capability;
}

/**
 * A new task's capability and payload from the caller's message: the capability is
 * `metadata.capability` (of the message or of the request) or `fallback`; the payload is
 * the message's data parts (JSON objects) merged, with its text as `query` when the data
 * does not give one. File parts are refused before (media.ts: ContentTypeNotSupported) and
 * add nothing here.
 */
export function meshRequestOf(
  message: Message,
  requestMetadata: Record<string, unknown> | undefined,
  fallback: string,
): Parsed<MeshRequest> {
  const named = capabilityNamed(message, requestMetadata);
  if (named !== undefined && (typeof named !== "string" || !capabilityPattern.test(named))) {
    return {
      ok: false,
      problem: `metadata.capability must name a capability (lowercase letters, digits, '.', '-'), e.g. "general-query"; got ${JSON.stringify(named)}`,
    };
  }
  const payload: Record<string, unknown> = {};
  for (const part of message.parts) {
    const data = dataOf(part);
    if (data === undefined) continue;
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      return {
        ok: false,
        problem: 'a data part must hold a JSON object, e.g. {"data": {"service": "shop"}}',
      };
    }
    Object.assign(payload, data);
  }
  const text = textOf(message);
  if (text !== "" && payload.query === undefined) payload.query = text;
  if (Object.keys(payload).length === 0) {
    return { ok: false, problem: "the message has no content: give a text part or a data part" };
  }
  return { ok: true, value: { capability: typeof named === "string" ? named : fallback, payload } };
}

function dataOf(part: Part): unknown {
  return part.content?.$case === "data" ? part.content.value : undefined;
}

/** A person's decision from the caller's follow-up message: a data part's `decision`, or the text. */
export function decisionOf(
  message: Message,
): Parsed<{ readonly decision: "approved" | "rejected"; readonly reason?: string }> {
  let decision: unknown;
  let reason: unknown;
  for (const part of message.parts) {
    const data = dataOf(part) as { decision?: unknown; reason?: unknown } | undefined;
    if (data && typeof data === "object")
      ({ decision, reason } = { decision: data.decision, reason: data.reason });
  }
  const text = textOf(message).trim();
  if (decision === undefined && text !== "") {
    const word = text
      .toLowerCase()
      .split(/\s+/)[0]
      ?.replace(/[.!,]+$/, "");
    if (word && ["approve", "approved", "yes", "ok"].includes(word)) decision = "approved";
    else if (word && ["reject", "rejected", "no", "deny", "denied"].includes(word)) decision = "rejected";
    if (reason === undefined && text.includes(" ")) reason = text;
  }
  if (decision !== "approved" && decision !== "rejected") {
    return {
      ok: false,
      problem:
        'the task waits for an approval: answer "approved" or "rejected" (a text part starting with approve/yes or reject/no, or a data part {"decision": "approved"})',
    };
  }
  return {
    ok: true,
    value: { decision, ...(typeof reason === "string" ? { reason: reason.slice(0, 4000) } : {}) },
  };
}

/** The answer to a question from the caller's follow-up message: its text, or a data part's `answer`. */
export function answerOf(message: Message): Parsed<string> {
  const text = textOf(message).trim();
  if (text !== "") return { ok: true, value: text.slice(0, 20_000) };
  for (const part of message.parts) {
    const data = dataOf(part) as { answer?: unknown } | undefined;
    if (typeof data?.answer === "string" && data.answer !== "") return { ok: true, value: data.answer };
  }
  return {
    ok: false,
    problem: 'the task waits for an answer: send it as a text part (or a data part {"answer": "…"})',
  };
}
