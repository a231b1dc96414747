import { MeshError } from "@mesh-six/shared/errors";

/**
 * What went wrong talking to GitHub's REST API:
 * - `not_found`: no such repository, path or user, or the token may not see it (GitHub
 *   answers 404 for private repositories it hides): not retryable.
 * - `unauthorized`: the token is wrong or expired (401): fix GITHUB_TOKEN; not retryable.
 * - `forbidden`: the token lacks a scope or the resource is blocked (403): not retryable.
 * - `rate_limited`: the primary or secondary rate limit is spent (403/429 with
 *   `x-ratelimit-remaining: 0` or `retry-after`): retryable after `retryAfterSeconds`.
 * - `invalid`: GitHub refused the request's content (422): not retryable.
 * - `unavailable`: connection refused, 5xx: retryable.
 * - `timeout`: no answer in time: retryable.
 * - `unreachable`: the host does not resolve or the answer is not GitHub's API: fix the base URL; not retryable.
 */
export type GitHubErrorKind =
  | "not_found"
  | "unauthorized"
  | "forbidden"
  | "rate_limited"
  | "invalid"
  | "unavailable"
  | "timeout"
  | "unreachable";

export class GitHubError extends MeshError {
  readonly kind: GitHubErrorKind;
  readonly status: number | undefined;
  /** For `rate_limited`: seconds until the limit resets (from `retry-after` or `x-ratelimit-reset`). */
  readonly retryAfterSeconds: number | undefined;
  constructor(
    kind: GitHubErrorKind,
    message: string,
    options: { retryable: boolean; status?: number; retryAfterSeconds?: number; cause?: unknown },
  ) {
    super(message, { retryable: options.retryable, cause: options.cause });
    this.kind = kind;
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
