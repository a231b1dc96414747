import { MeshError } from "@mesh-six/shared/errors";

/**
 * What went wrong asking a search provider:
 * - `refused`: the provider will not answer this way: SearXNG without `json` in
 *   `search.formats` (403), a wrong or missing API key (401/403): fix the setting; not retryable.
 * - `bad_request`: the query or a parameter was refused (400/422): not retryable.
 * - `rate_limited`: too many searches (429, SearXNG's limiter or the plan's quota): retryable.
 * - `unavailable`: connection refused, 5xx: retryable.
 * - `timeout`: no answer in time: retryable.
 * - `unreachable`: the host does not resolve or the answer is not the provider's format: fix the URL; not retryable.
 */
export type SearchErrorKind =
  | "refused"
  | "bad_request"
  | "rate_limited"
  | "unavailable"
  | "timeout"
  | "unreachable";

export class SearchError extends MeshError {
  readonly kind: SearchErrorKind;
  readonly provider: string;
  readonly status: number | undefined;
  constructor(
    kind: SearchErrorKind,
    message: string,
    options: { provider: string; retryable: boolean; status?: number; cause?: unknown },
  ) {
    super(message, { retryable: options.retryable, cause: options.cause });
    this.kind = kind;
    this.provider = options.provider;
    this.status = options.status;
  }
}
