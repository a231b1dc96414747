import { APICallError } from "@ai-sdk/provider";
import type { NoObjectGeneratedError, RetryError } from "ai";
import { MeshError } from "../errors.ts";
import type { LlmErrorType } from "./port.ts";

/** An LLM call that failed, with the task error type and whether trying again can help. */
export class LlmError extends MeshError {
  readonly type: LlmErrorType;
  readonly status: number | undefined;
  /** From the Retry-After / x-ratelimit-reset headers of a rate-limit response. */
  readonly retryAfterMs: number | undefined;
  /** How many HTTP calls were made before giving up (retries within the request included). */
  readonly calls: number | undefined;
  /** What the model answered, when the answer was the problem (`invalid_output`). */
  readonly answer: string | undefined;
  constructor(
    type: LlmErrorType,
    message: string,
    options: {
      retryable: boolean;
      status?: number;
      retryAfterMs?: number;
      calls?: number;
      answer?: string;
      cause?: unknown;
    },
  ) {
    super(message, { retryable: options.retryable, cause: options.cause });
    this.type = type;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.calls = options.calls;
    this.answer = options.answer;
  }
}

/** The error with how many calls the request made, and why it stopped retrying when it did. */
export function withCalls(error: LlmError, log: { calls: number; stopped: string | undefined }): LlmError {
  if (log.calls <= 1 && !log.stopped) return error;
  const detail = [log.calls > 1 ? `after ${log.calls} calls` : undefined, log.stopped]
    .filter(Boolean)
    .join("; ");
  return new LlmError(error.type, `${error.message} (${detail})`, {
    retryable: error.retryable,
    calls: log.calls,
    cause: error.cause,
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    ...(error.answer === undefined ? {} : { answer: error.answer }),
  });
}

/**
 * Maps whatever the AI SDK threw to an LlmError: 429 → rate_limited (retryable),
 * 5xx and network faults → api_error (retryable), 400/404/422 → invalid_input,
 * 401/403 → permission (not retryable), aborted → timeout (retryable), an answer that
 * does not match the structured-output schema → invalid_output (not retryable: ask again
 * with the problem named, as the agent kit's repair turn does). After the SDK's own
 * retries, the last call's error decides.
 */
export function toLlmError(error: unknown, signal?: AbortSignal): LlmError {
  if (error instanceof LlmError) return error;
  // the SDK's retries ended: the last call's error says what went wrong
  if (isSdkError<RetryError>(error, "AI_RetryError") && error.lastError !== undefined)
    return toLlmError(error.lastError, signal);
  if (signal?.aborted || (error instanceof Error && error.name === "AbortError")) {
    return new LlmError("timeout", "the LLM call was aborted before it answered", {
      retryable: true,
      cause: error,
    });
  }
  if (isSdkError<NoObjectGeneratedError>(error, "AI_NoObjectGeneratedError")) {
    // The call succeeded (and was recorded); the answer was not the object asked for.
    const answer =
      error.text === undefined ? "" : `; it answered ${JSON.stringify(error.text.slice(0, 200))}`;
    return new LlmError(
      "invalid_output",
      `the LLM did not answer with an object matching the schema: ${error.message}${answer}`,
      { retryable: false, cause: error, ...(error.text === undefined ? {} : { answer: error.text }) },
    );
  }
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const detail = `${error.message}${status ? ` (HTTP ${status} from ${error.url})` : ` (${error.url})`}`;
    if (status === 429) {
      const retryAfterMs = retryAfter(error.responseHeaders);
      return new LlmError("rate_limited", `the LLM endpoint is rate limiting: ${detail}`, {
        retryable: true,
        status,
        cause: error,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    if (status === 401 || status === 403) {
      return new LlmError(
        "permission",
        `the LLM endpoint refused the credentials: ${detail}; check LLM_API_KEY`,
        {
          retryable: false,
          status,
          cause: error,
        },
      );
    }
    if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 409) {
      return new LlmError("invalid_input", `the LLM endpoint rejected the request: ${detail}`, {
        retryable: false,
        status,
        cause: error,
      });
    }
    return new LlmError("api_error", `the LLM endpoint failed: ${detail}`, {
      retryable: true,
      cause: error,
      ...(status === undefined ? {} : { status }),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new LlmError("api_error", `the LLM call failed: ${message}`, { retryable: true, cause: error });
}

/**
 * An error the `ai` package threw, by the name it gives each of its error classes. Its
 * `isInstance` would need `ai` loaded to ask, and `ai` is loaded only when a model is
 * called (llm/create.ts).
 */
function isSdkError<T extends Error>(error: unknown, name: string): error is T {
  return error instanceof Error && error.name === name;
}

function retryAfter(headers: Record<string, string> | undefined): number | undefined {
  if (!headers) return undefined;
  const lower = Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
  const milliseconds = Number(lower["retry-after-ms"]);
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const seconds = Number(lower["retry-after"]);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const reset = lower["x-ratelimit-reset-requests"];
  const match = reset ? /^(?:(\d+)m)?(\d+(?:\.\d+)?)(ms|s)$/.exec(reset) : null;
  if (!match) return undefined;
  const minutes = Number(match[1] ?? 0);
  const amount = Number(match[2]);
  return minutes * 60_000 + (match[3] === "ms" ? amount : amount * 1000);
}
