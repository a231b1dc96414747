import { ConfigError } from "@mesh-six/shared/errors";
import { PrometheusError } from "./errors.ts";
import { answerFailure, networkFailure, type RequestContext } from "./failure.ts";
import { envelope, type QueryAnswer, queryResult } from "./result.ts";

export interface PrometheusSettings {
  /** The server's base URL, e.g. http://prometheus.monitoring:9090 (a path prefix such as /prometheus is kept). */
  readonly baseUrl: string;
  readonly fetch?: typeof fetch;
  /** How long one request may take, in milliseconds (default 10000); also sent as the query's `timeout`. */
  readonly timeoutMs?: number;
  /** The setting the base URL comes from, named in errors (default PROMETHEUS_URL). */
  readonly setting?: string;
}

export type RangeAnswer = Extract<QueryAnswer, { resultType: "matrix" }>;

export interface PrometheusClient {
  readonly baseUrl: string;
  /** An instant query (`/api/v1/query`), at `time` or the server's now. */
  query(promql: string, time?: Date): Promise<QueryAnswer>;
  /** A range query (`/api/v1/query_range`) from `start` to `end`, every `step` seconds (or a duration like "15s"). */
  queryRange(promql: string, start: Date, end: Date, step: number | string): Promise<RangeAnswer>;
}

export const defaultTimeoutMs = 10_000;

/** A client for Prometheus's HTTP API; every failure is a PrometheusError that says whether to retry. */
export function createPrometheusClient(settings: PrometheusSettings): PrometheusClient {
  const setting = settings.setting ?? "PROMETHEUS_URL";
  const baseUrl = settings.baseUrl.trim().replace(/\/+$/, "");
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
    throw new ConfigError(
      setting,
      `${JSON.stringify(settings.baseUrl)} is not an http(s) URL; give the Prometheus server's address, e.g. http://prometheus.monitoring:9090`,
    );
  }
  const timeoutMs = settings.timeoutMs ?? defaultTimeoutMs;
  if (!(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new ConfigError("timeoutMs", `${timeoutMs} is not a positive whole number of milliseconds`);
  }
  const fetchImplementation = settings.fetch ?? fetch;

  const call = async (path: string, promql: string, parameters: Record<string, string>) => {
    const context: RequestContext = { baseUrl, setting, promql, timeoutMs };
    const body = new URLSearchParams({ query: promql, ...parameters, timeout: `${timeoutMs / 1000}s` });
    let response: Response;
    let text: string;
    try {
      response = await fetchImplementation(`${baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw networkFailure(error, context);
    }
    const answer = envelope.safeParse(safeJson(text));
    if (!answer.success) {
      if (!response.ok) throw answerFailure(response.status, undefined, context);
      throw new PrometheusError(
        "unreachable",
        `${baseUrl}${path} answered ${response.status} with something other than Prometheus's API format; is ${setting} a Prometheus server?`,
        { retryable: false, status: response.status },
      );
    }
    if (answer.data.status === "error" || !response.ok) {
      throw answerFailure(response.status, answer.data, context);
    }
    const result = queryResult(answer.data.data);
    if (!result) {
      throw new PrometheusError(
        "unreachable",
        `${baseUrl}${path} answered a result that is not a vector, matrix, scalar or string; is ${setting} a Prometheus server?`,
        { retryable: false, status: response.status },
      );
    }
    return { ...result, warnings: answer.data.warnings ?? [] };
  };

  return {
    baseUrl,
    async query(promql, time) {
      return call("/api/v1/query", promql, time ? { time: timestamp(time, "time", promql) } : {});
    },
    async queryRange(promql, start, end, step) {
      const answer = await call("/api/v1/query_range", promql, {
        start: timestamp(start, "start", promql),
        end: timestamp(end, "end", promql),
        step: String(step),
      });
      if (answer.resultType !== "matrix") {
        throw new PrometheusError(
          "unreachable",
          `a range query answered a ${answer.resultType}, not a matrix`,
          {
            retryable: false,
          },
        );
      }
      return answer;
    },
  };
}

/** Seconds since the epoch, as Prometheus takes them; an invalid Date is refused before any request. */
function timestamp(date: Date, parameter: string, promql: string): string {
  const milliseconds = date.getTime();
  if (Number.isNaN(milliseconds)) {
    throw new PrometheusError(
      "bad_request",
      `${parameter} is not a valid date for the query ${JSON.stringify(promql)}; pass a Date such as new Date(clock.now())`,
      { retryable: false },
    );
  }
  return String(milliseconds / 1000);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
