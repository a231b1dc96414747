import { errorMessage } from "@mesh-six/shared/errors";
import { ClusterError } from "./errors.ts";

export interface KubernetesRequest {
  readonly baseUrl: string;
  readonly token: string | undefined;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
}

/** What each API path needs in RBAC terms, for the message of a 403. */
export interface Access {
  readonly verb: string;
  readonly resource: string;
  readonly group: string;
}

/** A GET of the Kubernetes API as JSON; every failure a ClusterError (a 403 names the missing RBAC rule). */
export async function getKubernetes(
  request: KubernetesRequest,
  path: string,
  access: Access,
): Promise<unknown> {
  let response: Response;
  let text: string;
  try {
    response = await request.fetch(`${request.baseUrl}${path}`, {
      headers: {
        accept: "application/json",
        ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
      },
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw noAnswer(error, request);
  }
  const body = safeJson(text) as { kind?: unknown; message?: unknown } | undefined;
  if (response.ok) {
    if (body && typeof body === "object" && typeof body.kind === "string") return body;
    throw new ClusterError(
      "unreachable",
      `${request.baseUrl}${path} answered something other than the Kubernetes API; is KUBERNETES_API_URL the API server?`,
      { retryable: false, status: response.status },
    );
  }
  const said = typeof body?.message === "string" ? body.message : `HTTP ${response.status}`;
  const status = response.status;
  if (status === 403) {
    const rule = `{apiGroups: ["${access.group}"], resources: ["${access.resource}"], verbs: ["${access.verb}"]}`;
    throw new ClusterError(
      "permission",
      `the Kubernetes API refused ${access.verb} ${access.resource}${access.group ? `.${access.group}` : ""} (403: ${said}); the architect's ServiceAccount needs the RBAC rule ${rule} (npm run manifests generates it from kubernetesAccess)`,
      { retryable: false, status },
    );
  }
  if (status === 401) {
    throw new ClusterError(
      "unauthorized",
      `the Kubernetes API refused the token (401: ${said}); fix KUBERNETES_TOKEN or the ServiceAccount token`,
      {
        retryable: false,
        status,
      },
    );
  }
  if (status === 404) {
    const hint = access.group === "metrics.k8s.io" ? "; install metrics-server for resource usage" : "";
    throw new ClusterError("not_found", `the Kubernetes API has no ${path} (404: ${said})${hint}`, {
      retryable: false,
      status,
    });
  }
  if (status === 429 || status >= 500) {
    throw new ClusterError(
      "unavailable",
      `the Kubernetes API answered ${status} (${said}); trying again may help`,
      {
        retryable: true,
        status,
      },
    );
  }
  throw new ClusterError("unreachable", `the Kubernetes API refused ${path} (${status}: ${said})`, {
    retryable: false,
    status,
  });
}

function noAnswer(error: unknown, request: KubernetesRequest): ClusterError {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new ClusterError(
      "timeout",
      `the Kubernetes API at ${request.baseUrl} did not answer within ${request.timeoutMs} ms`,
      {
        retryable: true,
        cause: error,
      },
    );
  }
  const code = (error instanceof Error ? (error.cause as { code?: unknown } | undefined)?.code : undefined) as
    | string
    | undefined;
  if (code === "ENOTFOUND") {
    return new ClusterError(
      "unreachable",
      `the Kubernetes API host of ${request.baseUrl} does not resolve; set KUBERNETES_API_URL (in a cluster: https://kubernetes.default.svc)`,
      { retryable: false, cause: error },
    );
  }
  return new ClusterError(
    "unavailable",
    `the Kubernetes API at ${request.baseUrl} could not be reached (${code ?? errorMessage(error)})`,
    {
      retryable: true,
      cause: error,
    },
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
