import type { TaskError } from "@mesh-six/events";
import { errorBody, type OpenAiErrorBody } from "./errors.ts";

/** A failed chat task as an OpenAI error: its status and body. */
export interface ChatFailure {
  readonly status: number;
  readonly body: OpenAiErrorBody;
}

/**
 * How a failed task answers: input its agent refused (`invalid_input`) is the caller's
 * (400); a timeout 504; no agent able to take it, or the model's rate limit, 503; any
 * other failure of the agent 502. The message names the task, so `GET /tasks/<id>` and
 * `GET /runs?taskId=<id>` show what happened.
 */
export function chatFailure(taskId: string, error: TaskError | undefined): ChatFailure {
  const type = error?.type ?? "unhandled";
  const message = `${error?.message ?? "the task failed"} (task ${taskId}: GET /tasks/${taskId} shows its attempts)`;
  if (type === "invalid_input") return { status: 400, body: errorBody(400, message, { code: type }) };
  const status = type === "timeout" ? 504 : type === "no_agent" || type === "rate_limited" ? 503 : 502;
  return { status, body: errorBody(status, message, { type: "server_error", code: type }) };
}

/** The gateway stopped waiting: the task goes on, and says where to read its answer. */
export function stillRunning(taskId: string, seconds: number): ChatFailure {
  return {
    status: 504,
    body: errorBody(
      504,
      `no answer within ${seconds} s; the task goes on: read its result with GET /tasks/${taskId}?wait=60`,
      { type: "server_error", code: "timeout" },
    ),
  };
}
