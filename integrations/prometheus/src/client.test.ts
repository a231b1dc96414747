import { ConfigError, isRetryable } from "@mesh-six/shared/errors";
import { describe, expect, it } from "vitest";
import { createPrometheusClient } from "./client.ts";
import { prometheusFailure } from "./testing/failure.ts";
import { recordedExchange } from "./testing/fixture.ts";
import { recordedPrometheus } from "./testing/recorded.ts";

// Every answer below was recorded from a real Prometheus 2.42 (src/__fixtures__, each naming its source).
const client = createPrometheusClient({
  baseUrl: "http://prometheus.test:9090/",
  fetch: recordedPrometheus(),
});

describe("the Prometheus client on recorded answers", () => {
  it("reads an instant vector: labels and samples as numbers", async () => {
    const answer = await client.query("up");
    expect(answer).toEqual({
      resultType: "vector",
      result: [
        {
          metric: { __name__: "up", instance: expect.any(String), job: "prometheus" },
          value: { time: expect.any(Number), value: 1 },
        },
      ],
      warnings: [],
    });
    expect(recordedExchange("query-up").source).toMatch(/^recorded from prometheus, version 2\.42/);
  });

  it("reads a scalar and a string", async () => {
    expect(await client.query("scalar(up)")).toMatchObject({ resultType: "scalar", result: { value: 1 } });
    expect(await client.query('"mesh-six"')).toMatchObject({
      resultType: "string",
      result: { value: "mesh-six" },
    });
  });

  it("reads a range query as a matrix of samples, one per step", async () => {
    const end = new Date("2026-01-01T00:00:04Z");
    const answer = await client.queryRange("up", new Date(end.getTime() - 4000), end, 1);
    expect(answer.resultType).toBe("matrix");
    const [series] = answer.result;
    expect(series?.metric.job).toBe("prometheus");
    expect(series?.values.length).toBeGreaterThanOrEqual(4);
    const times = series!.values.map((sample) => sample.time);
    expect(times.slice(1).map((time, index) => Math.round(time - times[index]!))).toEqual(
      times.slice(1).map(() => 1),
    );
    expect(series!.values.every((sample) => sample.value === 1)).toBe(true);
  });

  it("names the PromQL and its parse error for a query that does not parse; not retryable", async () => {
    const error = await prometheusFailure(client.query("sum(rate(up"));
    expect(error).toMatchObject({ kind: "bad_query", retryable: false, status: 400, errorType: "bad_data" });
    expect(isRetryable(error)).toBe(false); // a host sends the delivery to the dead letters
    expect(error.message).toBe(
      'Prometheus refused the query "sum(rate(up": 1:12: parse error: unclosed left parenthesis; fix the PromQL',
    );
  });

  it("names the evaluation error (422 execution) of a query that parses but cannot run; not retryable", async () => {
    const promql = recordedExchange("execution-error").request.form.query!;
    const error = await prometheusFailure(client.query(promql));
    expect(error).toMatchObject({ kind: "bad_query", retryable: false, status: 422, errorType: "execution" });
    expect(error.message).toContain("many-to-many matching not allowed");
    expect(error.message).toContain(JSON.stringify(promql));
  });

  it("passes another refused parameter on as bad_request, naming it", async () => {
    const now = new Date();
    const error = await prometheusFailure(client.queryRange("up", new Date(now.getTime() - 4000), now, 0));
    expect(error).toMatchObject({ kind: "bad_request", retryable: false, status: 400 });
    expect(error.message).toContain('invalid parameter "step"');
  });

  it("says the base URL is wrong when the server has no API there (404), naming the setting", async () => {
    const wrong = createPrometheusClient({
      baseUrl: "http://prometheus.test:9090/api/v1",
      fetch: recordedPrometheus(),
      setting: "OBSERVER_PROMETHEUS_URL",
    });
    const error = await prometheusFailure(wrong.query("up"));
    expect(error).toMatchObject({ kind: "unreachable", retryable: false, status: 404 });
    expect(error.message).toBe(
      "http://prometheus.test:9090/api/v1 has no Prometheus API (404 for /api/v1); set OBSERVER_PROMETHEUS_URL to the server's base URL, without /api/v1",
    );
  });
});

describe("the Prometheus client's faults", () => {
  const answering = (status: number, body: string, contentType = "text/plain; charset=utf-8") =>
    createPrometheusClient({
      baseUrl: "http://prometheus.test:9090",
      fetch: async () => new Response(body, { status, headers: { "content-type": contentType } }),
    });
  const throwing = (error: unknown) =>
    createPrometheusClient({
      baseUrl: "http://prometheus.test:9090",
      fetch: async () => {
        throw error;
      },
    });
  const networkError = (code: string) =>
    Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error(code), { code }) });

  it("retries a server that is starting: 503 'Service Unavailable', as Prometheus's readiness check answers", async () => {
    const error = await prometheusFailure(answering(503, "Service Unavailable").query("up"));
    expect(error).toMatchObject({ kind: "unavailable", retryable: true, status: 503 });
    expect(error.message).toContain("answered 503");
  });

  it("retries a refused connection, saying whether it runs", async () => {
    const error = await prometheusFailure(throwing(networkError("ECONNREFUSED")).query("up"));
    expect(error).toMatchObject({ kind: "unavailable", retryable: true });
    expect(isRetryable(error)).toBe(true); // a host answers 503 and the broker delivers again
    expect(error.message).toBe(
      "Prometheus at http://prometheus.test:9090 (PROMETHEUS_URL) could not be reached (ECONNREFUSED); is it running? trying again may help",
    );
  });

  it("does not retry a host that does not resolve, and names the setting to fix", async () => {
    const error = await prometheusFailure(throwing(networkError("ENOTFOUND")).query("up"));
    expect(error).toMatchObject({ kind: "unreachable", retryable: false });
    expect(error.message).toContain(
      "the host prometheus.test does not resolve (ENOTFOUND); set PROMETHEUS_URL",
    );
  });

  it("retries a request that timed out, saying how long it waited", async () => {
    const timeout = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    const error = await prometheusFailure(throwing(timeout).query("up"));
    expect(error).toMatchObject({ kind: "timeout", retryable: true });
    expect(error.message).toContain("did not answer within 10000 ms");
  });

  it("retries Prometheus's own query timeout (503, errorType timeout)", async () => {
    const body = JSON.stringify({
      status: "error",
      errorType: "timeout",
      error: "query timed out in expression evaluation",
    });
    const error = await prometheusFailure(answering(503, body, "application/json").query("up"));
    expect(error).toMatchObject({ kind: "timeout", retryable: true, errorType: "timeout" });
  });

  it("does not take an answer that is not Prometheus's API for one", async () => {
    const error = await prometheusFailure(answering(200, "<html>Grafana</html>", "text/html").query("up"));
    expect(error).toMatchObject({ kind: "unreachable", retryable: false });
    expect(error.message).toContain("is PROMETHEUS_URL a Prometheus server?");
  });

  it("refuses settings that cannot work before any request, naming them", () => {
    expect(() => createPrometheusClient({ baseUrl: "prometheus:9090" })).toThrow(ConfigError);
    expect(() => createPrometheusClient({ baseUrl: "prometheus:9090" })).toThrow(
      'PROMETHEUS_URL: "prometheus:9090" is not an http(s) URL',
    );
    expect(() => createPrometheusClient({ baseUrl: "http://prometheus:9090", timeoutMs: 0 })).toThrow(
      "timeoutMs",
    );
  });

  it("refuses an invalid date before any request", async () => {
    const error = await prometheusFailure(client.query("up", new Date("not a date")));
    expect(error).toMatchObject({ kind: "bad_request", retryable: false });
  });

  it("sends the query as a form with the time in seconds and its timeout", async () => {
    const sent: string[] = [];
    const recording = createPrometheusClient({
      baseUrl: "http://prometheus.test:9090/prefix/",
      timeoutMs: 2500,
      fetch: async (input, init) => {
        sent.push(`${String(input)} ${String(init?.body)}`);
        return recordedPrometheus()("http://prometheus.test:9090/api/v1/query", init);
      },
    });
    await recording.query("up", new Date(1_700_000_000_500));
    expect(sent).toEqual([
      "http://prometheus.test:9090/prefix/api/v1/query query=up&time=1700000000.5&timeout=2.5s",
    ]);
  });

  it("turns +Inf, -Inf and NaN samples into numbers", async () => {
    const body = JSON.stringify({
      status: "success",
      data: {
        resultType: "vector",
        result: ["+Inf", "-Inf", "NaN"].map((value) => ({ metric: {}, value: [1, value] })),
      },
    });
    const answer = await answering(200, body, "application/json").query("x");
    expect(answer.resultType === "vector" && answer.result.map((entry) => entry.value.value)).toEqual([
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
    ]);
  });
});
