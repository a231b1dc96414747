import { errorMessage } from "@mesh-six/shared/errors";
import { z } from "zod";
import { ArgoCdError } from "./errors.ts";

/** What a request was, for the messages of its errors. */
export interface RequestContext {
  readonly baseUrl: string;
  /** The setting that holds the base URL (ARGOCD_URL). */
  readonly setting: string;
  /** e.g. `POST /api/v1/applications/shop/sync`. */
  readonly request: string;
  readonly timeoutMs: number;
}

/** ArgoCD's error body (grpc-gateway's runtime error: swagger `runtimeError`). */
export const errorBody = z.looseObject({
  error: z.string().optional(),
  message: z.string().optional(),
  code: z.number().int().optional(),
});

// gRPC codes whose fault passes: DeadlineExceeded, ResourceExhausted, Aborted, Unavailable
const passingCodes = new Set([4, 8, 10, 14]);

/** The error for a request that got no answer: refused, reset, timed out, or a host that does not resolve. */
export function networkFailure(error: unknown, context: RequestContext): ArgoCdError {
  const where = `ArgoCD at ${context.baseUrl} (${context.setting})`;
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new ArgoCdError(
      "timeout",
      `${where} did not answer ${context.request} within ${context.timeoutMs} ms; try again or raise timeoutMs`,
      { retryable: true, cause: error },
    );
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  if (code === "ENOTFOUND") {
    return new ArgoCdError(
      "unreachable",
      `${where}: the host ${new URL(context.baseUrl).hostname} does not resolve; set ${context.setting} to the API server's address, e.g. https://argocd-server.argocd`,
      { retryable: false, cause: error },
    );
  }
  return new ArgoCdError(
    "unavailable",
    `${where} could not be reached for ${context.request} (${code ?? errorMessage(error)}); is argocd-server running? trying again may help`,
    { retryable: true, cause: error },
  );
}

/** The error for an answer that is not a success, from its status and ArgoCD's error body. */
export function answerFailure(
  status: number,
  body: z.infer<typeof errorBody> | undefined,
  context: RequestContext,
): ArgoCdError {
  const detail = body?.message ?? body?.error ?? `HTTP ${status}`;
  const grpcCode = body?.code;
  const options = { status, ...(grpcCode === undefined ? {} : { grpcCode }) };
  const said = `ArgoCD answered ${context.request} with ${status}: ${detail}`;
  if (/another operation is already in progress/i.test(detail)) {
    return new ArgoCdError(
      "operation_in_progress",
      `${said}; an earlier sync or rollback of this application still runs: try again once it ends (or terminate it)`,
      { retryable: true, ...options },
    );
  }
  if (status === 401 || grpcCode === 16) {
    return new ArgoCdError(
      "unauthenticated",
      `${said}; set ARGOCD_TOKEN to a valid API token (argocd account generate-token) or ARGOCD_USERNAME and ARGOCD_PASSWORD`,
      { retryable: false, ...options },
    );
  }
  if (status === 403 || grpcCode === 7) {
    return new ArgoCdError(
      "permission",
      `${said}; grant the account this action in ArgoCD's RBAC (argocd-rbac-cm, policy.csv)`,
      { retryable: false, ...options },
    );
  }
  if (status === 404 || grpcCode === 5) {
    return new ArgoCdError("not_found", `${said}; check the application's name (list the applications)`, {
      retryable: false,
      ...options,
    });
  }
  if (
    status === 429 ||
    status === 502 ||
    status === 503 ||
    status === 504 ||
    passingCodes.has(grpcCode ?? -1)
  ) {
    return new ArgoCdError("unavailable", `${said}; trying again may help`, { retryable: true, ...options });
  }
  if (status >= 500 && body === undefined) {
    return new ArgoCdError("unavailable", `${said}; trying again may help`, { retryable: true, ...options });
  }
  if (status >= 500) {
    return new ArgoCdError("refused", `${said}; fix what ArgoCD names, then try again`, {
      retryable: false,
      ...options,
    });
  }
  return new ArgoCdError("bad_request", `${said}; fix the request`, { retryable: false, ...options });
}
