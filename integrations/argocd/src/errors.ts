import { MeshError } from "@mesh-six/shared/errors";

/**
 * What went wrong talking to ArgoCD's API server:
 * - `not_found`: no such application (gRPC NotFound, 404): fix the name; not retryable.
 * - `unauthenticated`: no token, a bad one, or the login was refused (401): fix ARGOCD_TOKEN
 *   or ARGOCD_USERNAME/ARGOCD_PASSWORD; not retryable.
 * - `permission`: the account may not do this (403, ArgoCD RBAC): grant it in argocd-rbac-cm; not retryable.
 * - `operation_in_progress`: "another operation is already in progress" (FailedPrecondition):
 *   an earlier sync or rollback still runs; retryable.
 * - `bad_request`: ArgoCD refused the request (InvalidArgument, other 4xx): not retryable.
 * - `refused`: ArgoCD took the request and could not do it (gRPC Unknown/Internal, 500:
 *   a manifest generation error, an invalid spec): fix what it names; not retryable.
 * - `unavailable`: refused connection, 502/503/504, Unavailable, a rate limit: retryable.
 * - `timeout`: no answer in time: retryable.
 * - `unreachable`: the host does not resolve, or the answer is not ArgoCD's API: fix ARGOCD_URL.
 */
export type ArgoCdErrorKind =
  | "not_found"
  | "unauthenticated"
  | "permission"
  | "operation_in_progress"
  | "bad_request"
  | "refused"
  | "unavailable"
  | "timeout"
  | "unreachable";

export class ArgoCdError extends MeshError {
  readonly kind: ArgoCdErrorKind;
  /** The HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** The gRPC status code in ArgoCD's error body (5 NotFound, 9 FailedPrecondition, …), when it gave one. */
  readonly grpcCode: number | undefined;
  /** The task error type this maps to (`permission`, `invalid_input`, `api_error`, `timeout`). */
  readonly type: "permission" | "invalid_input" | "api_error" | "timeout";
  constructor(
    kind: ArgoCdErrorKind,
    message: string,
    options: { retryable: boolean; status?: number; grpcCode?: number; cause?: unknown },
  ) {
    super(message, { retryable: options.retryable, cause: options.cause });
    this.kind = kind;
    this.status = options.status;
    this.grpcCode = options.grpcCode;
    this.type =
      kind === "permission" || kind === "unauthenticated"
        ? "permission"
        : kind === "not_found" || kind === "bad_request"
          ? "invalid_input"
          : kind === "timeout"
            ? "timeout"
            : "api_error";
  }
}
