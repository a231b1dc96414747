import { errorMessage } from "@mesh-six/shared/errors";
import { GitHubError } from "./errors.ts";

export interface RequestContext {
  readonly baseUrl: string;
  readonly path: string;
  readonly authenticated: boolean;
  readonly timeoutMs: number;
  /** Seconds since the epoch, for rate-limit resets. */
  readonly now: number;
}

/** The error for a request that got no answer. */
export function networkFailure(error: unknown, context: RequestContext): GitHubError {
  const where = `GitHub's API at ${context.baseUrl}`;
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new GitHubError(
      "timeout",
      `${where} did not answer ${context.path} within ${context.timeoutMs} ms; try again`,
      {
        retryable: true,
        cause: error,
      },
    );
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  if (code === "ENOTFOUND") {
    return new GitHubError(
      "unreachable",
      `${where}: the host does not resolve (ENOTFOUND); set GITHUB_API_URL to https://api.github.com or your GitHub Enterprise's https://<host>/api/v3`,
      { retryable: false, cause: error },
    );
  }
  return new GitHubError(
    "unavailable",
    `${where} could not be reached (${code ?? errorMessage(error)}); trying again may help`,
    {
      retryable: true,
      cause: error,
    },
  );
}

/** The error for a non-2xx answer, from its status, GitHub's `message` and the rate-limit headers. */
export function answerFailure(response: Response, message: string, context: RequestContext): GitHubError {
  const status = response.status;
  const said = `GitHub answered ${status} for ${context.path}: ${message}`;
  const wait = retryAfter(response.headers, context.now);
  if (status === 429 || (status === 403 && (wait !== undefined || /rate limit/i.test(message)))) {
    const seconds = wait ?? 60;
    return new GitHubError(
      "rate_limited",
      `${said}; the rate limit resets in ${seconds} s${context.authenticated ? "" : " (unauthenticated calls get 60 an hour: set GITHUB_TOKEN for 5000)"}`,
      { retryable: true, status, retryAfterSeconds: seconds },
    );
  }
  if (status === 401) {
    return new GitHubError("unauthorized", `${said}; GITHUB_TOKEN is wrong or expired: make a new token`, {
      retryable: false,
      status,
    });
  }
  if (status === 403) {
    return new GitHubError(
      "forbidden",
      `${said}; the token lacks the scope (read access to the repository's contents and metadata)`,
      {
        retryable: false,
        status,
      },
    );
  }
  if (status === 404) {
    return new GitHubError(
      "not_found",
      `${said}; check the owner, repository and path${context.authenticated ? "" : " (a private repository needs GITHUB_TOKEN)"}`,
      { retryable: false, status },
    );
  }
  if (status === 422)
    return new GitHubError("invalid", `${said}; fix the request`, { retryable: false, status });
  if (status >= 500)
    return new GitHubError("unavailable", `${said}; trying again may help`, { retryable: true, status });
  return new GitHubError("invalid", said, { retryable: false, status });
}

function retryAfter(headers: Headers, now: number): number | undefined {
  const after = Number(headers.get("retry-after"));
  if (headers.has("retry-after") && Number.isFinite(after)) return Math.max(0, after);
  if (headers.get("x-ratelimit-remaining") !== "0") return undefined;
  const reset = Number(headers.get("x-ratelimit-reset"));
  return Number.isFinite(reset) ? Math.max(0, Math.ceil(reset - now)) : undefined;
}
