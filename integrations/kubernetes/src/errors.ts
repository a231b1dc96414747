import { MeshError } from "@mesh-six/shared/errors";
import type { Operation } from "./access.ts";

/**
 * What went wrong talking to the Kubernetes API:
 * - `permission`: 403: the ServiceAccount lacks the RBAC rule the message names; not retryable.
 * - `unauthenticated`: 401: the kubeconfig's credentials were refused; not retryable.
 * - `not_found`: 404: no such object; not retryable.
 * - `conflict`: 409: someone else changed it (a field owned by another manager, a stale
 *   resourceVersion); retryable.
 * - `invalid`: 400/422: the API refused the object (the Status names the field); not retryable.
 * - `unavailable`: 429, 5xx, a refused connection: retryable.
 * - `config`: no kubeconfig could be loaded; not retryable.
 */
export type KubernetesErrorKind =
  | "permission"
  | "unauthenticated"
  | "not_found"
  | "conflict"
  | "invalid"
  | "unavailable"
  | "config";

export class KubernetesError extends MeshError {
  readonly kind: KubernetesErrorKind;
  readonly status: number | undefined;
  readonly operation: Operation | undefined;
  /** The task error type this maps to. */
  readonly type: "permission" | "invalid_input" | "api_error";
  constructor(
    kind: KubernetesErrorKind,
    message: string,
    options: { retryable: boolean; status?: number; operation?: Operation; cause?: unknown },
  ) {
    super(message, { retryable: options.retryable, cause: options.cause });
    this.kind = kind;
    this.status = options.status;
    this.operation = options.operation;
    this.type =
      kind === "permission" || kind === "unauthenticated"
        ? "permission"
        : kind === "not_found" || kind === "invalid"
          ? "invalid_input"
          : "api_error";
  }
}
