import { MeshError } from "@mesh-six/shared/errors";

/**
 * What went wrong talking to Prometheus:
 * - `bad_query`: the PromQL does not parse or cannot be evaluated (Prometheus's `bad_data`
 *   for the query, `execution`): fix the query; not retryable.
 * - `bad_request`: another parameter was refused (time, start, end, step) or the API
 *   answered 4xx: not retryable.
 * - `unavailable`: the server refused the connection, is starting (503) or failed (5xx):
 *   retryable.
 * - `timeout`: no answer in time, or the query hit Prometheus's own timeout: retryable.
 * - `unreachable`: the base URL's host does not resolve, or the answer is not Prometheus's
 *   API: fix the setting; not retryable.
 */
export type PrometheusErrorKind = "bad_query" | "bad_request" | "unavailable" | "timeout" | "unreachable";

export class PrometheusError extends MeshError {
  readonly kind: PrometheusErrorKind;
  /** The HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** Prometheus's `errorType` (`bad_data`, `execution`, `timeout`, …), when it gave one. */
  readonly errorType: string | undefined;
  constructor(
    kind: PrometheusErrorKind,
    message: string,
    options: { retryable: boolean; status?: number; errorType?: string; cause?: unknown },
  ) {
    super(message, { retryable: options.retryable, cause: options.cause });
    this.kind = kind;
    this.status = options.status;
    this.errorType = options.errorType;
  }
}
