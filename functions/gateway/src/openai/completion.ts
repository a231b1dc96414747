import type { SqlExecutor } from "@mesh-six/shared/ports/db";

/** Token counts in OpenAI's shape. */
export interface ChatUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

/** What a completion is about: its id (`chatcmpl-<task id>`), when, which model was asked. */
export interface CompletionHeader {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

export function completionHeader(taskId: string, now: number, model: string): CompletionHeader {
  return { id: `chatcmpl-${taskId}`, created: Math.floor(now / 1000), model };
}

/** The answer's text: a text agent's `answer`, a string result as it is, anything else as JSON. */
export function answerText(result: unknown): string {
  if (typeof result === "string") return result;
  if (result && typeof result === "object" && typeof (result as { answer?: unknown }).answer === "string") {
    return (result as { answer: string }).answer;
  }
  return JSON.stringify(result ?? null);
}

/** The task's tokens: every LLM call its attempts made (`llm_usage`). */
export async function taskUsage(db: SqlExecutor, taskId: string): Promise<ChatUsage> {
  const { rows } = await db.query<{ prompt: string | number | null; completion: string | number | null }>(
    `SELECT sum(prompt_tokens) AS prompt, sum(completion_tokens) AS completion FROM llm_usage WHERE task_id = $1`,
    [taskId],
  );
  const prompt = Number(rows[0]?.prompt ?? 0);
  const completion = Number(rows[0]?.completion ?? 0);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** A whole `chat.completion`. */
export function completion(header: CompletionHeader, text: string, usage: ChatUsage) {
  return {
    ...header,
    object: "chat.completion" as const,
    choices: [
      {
        index: 0,
        message: { role: "assistant" as const, content: text, refusal: null },
        logprobs: null,
        finish_reason: "stop" as const,
      },
    ],
    usage,
  };
}

/** One `chat.completion.chunk`: a delta, the finish, or (`usage`, no choices) the usage chunk. */
export function chunk(
  header: CompletionHeader,
  part:
    | { readonly delta: { readonly role?: "assistant"; readonly content?: string } }
    | { readonly finish: "stop" }
    | { readonly usage: ChatUsage },
  withUsage: boolean,
) {
  const choices =
    "usage" in part
      ? []
      : [
          "delta" in part
            ? { index: 0, delta: part.delta, logprobs: null, finish_reason: null }
            : { index: 0, delta: {}, logprobs: null, finish_reason: part.finish },
        ];
  return {
    ...header,
    object: "chat.completion.chunk" as const,
    choices,
    ...("usage" in part ? { usage: part.usage } : withUsage ? { usage: null } : {}),
  };
}
