import { errorMessage } from "@mesh-six/shared/errors";
import { PrometheusError } from "./errors.ts";

/** What a request was, for the messages of its errors. */
export interface RequestContext {
  readonly baseUrl: string;
  /** The setting that holds the base URL (PROMETHEUS_URL). */
  readonly setting: string;
  readonly promql: string;
  readonly timeoutMs: number;
}

// connection faults that pass: the server is down, restarting or overloaded
const passing = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "EAI_AGAIN"]);

/** The error for a request that got no answer: refused, reset, timed out, or a host that does not resolve. */
export function networkFailure(error: unknown, context: RequestContext): PrometheusError {
  const where = `Prometheus at ${context.baseUrl} (${context.setting})`;
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new PrometheusError(
      "timeout",
      `${where} did not answer within ${context.timeoutMs} ms; try again, raise timeoutMs, or narrow the query`,
      { retryable: true, cause: error },
    );
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  if (code === "ENOTFOUND") {
    return new PrometheusError(
      "unreachable",
      `${where}: the host ${new URL(context.baseUrl).hostname} does not resolve (ENOTFOUND); set ${context.setting} to the server's address, e.g. http://prometheus.monitoring:9090`,
      { retryable: false, cause: error },
    );
  }
  const reason = code ?? errorMessage(error);
  return new PrometheusError(
    "unavailable",
    `${where} could not be reached (${reason}); ${passing.has(reason) ? "is it running? trying again may help" : `check ${context.setting}`}`,
    { retryable: true, cause: error },
  );
}

/** The error for an answer that is not a success: Prometheus's own error object, or a bare status. */
export function answerFailure(
  status: number,
  answer: { errorType?: string | undefined; error?: string | undefined } | undefined,
  context: RequestContext,
): PrometheusError {
  const errorType = answer?.errorType;
  const detail = answer?.error ?? `HTTP ${status}`;
  const options = { status, ...(errorType ? { errorType } : {}) };
  if (errorType === "bad_data" && /invalid parameter "query"/.test(detail)) {
    return new PrometheusError(
      "bad_query",
      `Prometheus refused the query ${JSON.stringify(context.promql)}: ${detail.replace(/^invalid parameter "query": /, "")}; fix the PromQL`,
      { retryable: false, ...options },
    );
  }
  if (errorType === "execution") {
    return new PrometheusError(
      "bad_query",
      `Prometheus could not evaluate ${JSON.stringify(context.promql)}: ${detail}; change the query`,
      { retryable: false, ...options },
    );
  }
  if (errorType === "timeout" || errorType === "canceled") {
    return new PrometheusError(
      "timeout",
      `Prometheus gave up on ${JSON.stringify(context.promql)} (${errorType}: ${detail}); try again or narrow the query`,
      { retryable: true, ...options },
    );
  }
  if (status === 429 || status >= 500) {
    return new PrometheusError(
      "unavailable",
      `Prometheus at ${context.baseUrl} answered ${status} (${detail}); trying again may help`,
      { retryable: true, ...options },
    );
  }
  if (status === 404 && !errorType) {
    return new PrometheusError(
      "unreachable",
      `${context.baseUrl} has no Prometheus API (404 for /api/v1); set ${context.setting} to the server's base URL, without /api/v1`,
      { retryable: false, ...options },
    );
  }
  return new PrometheusError("bad_request", `Prometheus refused the request: ${detail}`, {
    retryable: false,
    ...options,
  });
}
