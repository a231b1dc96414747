import { MeshError } from "@mesh-six/shared/errors";

/**
 * What went wrong reading the cluster:
 * - `permission`: 403: the ServiceAccount lacks an RBAC rule (the message names it): not retryable.
 * - `unauthorized`: 401: the token is wrong or expired: not retryable.
 * - `not_found`: 404: the API is not served (metrics.k8s.io without metrics-server) or no such namespace: not retryable.
 * - `unavailable`: connection refused, 429, 5xx: retryable.
 * - `timeout`: no answer in time: retryable.
 * - `unreachable`: the host does not resolve or the answer is not the Kubernetes API: fix KUBERNETES_API_URL.
 */
export type ClusterErrorKind =
  | "permission"
  | "unauthorized"
  | "not_found"
  | "unavailable"
  | "timeout"
  | "unreachable";

export class ClusterError extends MeshError {
  readonly kind: ClusterErrorKind;
  readonly status: number | undefined;
  /** The task error type a run records for it (`permission` for a 403, `api_error` otherwise). */
  readonly type: "permission" | "api_error";
  constructor(
    kind: ClusterErrorKind,
    message: string,
    options: { retryable: boolean; status?: number; cause?: unknown },
  ) {
    super(message, { retryable: options.retryable, cause: options.cause });
    this.kind = kind;
    this.status = options.status;
    this.type = kind === "permission" ? "permission" : "api_error";
  }
}
