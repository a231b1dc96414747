import { errorMessage } from "@mesh-six/shared/errors";
import { z } from "zod";
import { describeRule, type Operation, operationAccess } from "./access.ts";
import { KubernetesError } from "./errors.ts";

/** The API's `Status` object (io.k8s.apimachinery.pkg.apis.meta.v1.Status), leniently. */
const status = z.looseObject({
  kind: z.literal("Status"),
  message: z.string().optional(),
  reason: z.string().optional(),
});

function statusOf(body: unknown): z.infer<typeof status> | undefined {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const parsed = status.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** A client-node failure as a KubernetesError: the answer's status and Status, or the network fault. */
export function kubernetesFailure(error: unknown, operation: Operation, where: string): KubernetesError {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "number") {
    return new KubernetesError(
      "unavailable",
      `the Kubernetes API (${where}) could not be reached for ${operation}: ${errorMessage(error)}; is the API server up and KUBECONFIG right? trying again may help`,
      { retryable: true, operation, cause: error },
    );
  }
  const answer = statusOf((error as { body?: unknown }).body);
  const detail = answer?.message ?? `HTTP ${code}`;
  const options = { status: code, operation, cause: error };
  if (code === 403) {
    const rule = operationAccess[operation];
    return new KubernetesError(
      "permission",
      `the Kubernetes API refused ${operation}: ${detail}; the ServiceAccount needs the RBAC rule ${describeRule(rule)} (add it to the function's kubernetesAccess and run npm run manifests)`,
      { retryable: false, ...options },
    );
  }
  if (code === 401) {
    return new KubernetesError(
      "unauthenticated",
      `the Kubernetes API refused the credentials for ${operation} (401: ${detail}); check KUBECONFIG's user or the ServiceAccount token`,
      { retryable: false, ...options },
    );
  }
  if (code === 404) {
    return new KubernetesError("not_found", `${operation}: ${detail}; check the name and the namespace`, {
      retryable: false,
      ...options,
    });
  }
  if (code === 409) {
    return new KubernetesError(
      "conflict",
      `${operation}: ${detail}; it changed meanwhile: trying again may help`,
      {
        retryable: true,
        ...options,
      },
    );
  }
  if (code === 429 || code >= 500) {
    return new KubernetesError(
      "unavailable",
      `${operation}: the API server answered ${code} (${detail}); trying again may help`,
      {
        retryable: true,
        ...options,
      },
    );
  }
  return new KubernetesError(
    "invalid",
    `${operation}: the API server refused it (${code}: ${detail}); fix the request`,
    {
      retryable: false,
      ...options,
    },
  );
}
