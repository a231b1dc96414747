import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { registeredCheck, resolveCheckUrl } from "@mesh-six/shared/registry/checks";
import { serviceEnv } from "@mesh-six/testing/services";
import { describe, expect, it } from "vitest";
import { startPrometheus } from "../../../test/services/prometheus.ts";
import { createPrometheusClient } from "./client.ts";
import { prometheusDependencyCheck } from "./health.ts";
import { queryResult } from "./result.ts";
import { prometheusFailure } from "./testing/failure.ts";
import { recordedExchange } from "./testing/fixture.ts";
import { fixtureRequests } from "./testing/requests.ts";

const url = serviceEnv("MESH_TEST_PROMETHEUS_URL");
const client = createPrometheusClient({ baseUrl: url });

describe("the Prometheus client against a real Prometheus server", () => {
  it("queries up: the server scraping itself is up", async () => {
    const answer = await client.query("up");
    expect(answer.resultType).toBe("vector");
    expect(answer.resultType === "vector" && answer.result).toEqual([
      {
        metric: { __name__: "up", instance: new URL(url).host, job: "prometheus" },
        value: { time: expect.any(Number), value: 1 },
      },
    ]);
  });

  it("queries a range: one sample per step, at the step's time", async () => {
    const now = await client.query("time()");
    if (now.resultType !== "scalar") throw new Error(`time() answered a ${now.resultType}`);
    const end = new Date(Math.floor(now.result.value) * 1000);
    const start = new Date(end.getTime() - 3000);
    const clock = await client.queryRange("time()", start, end, "1s");
    expect(clock.result).toHaveLength(1);
    expect(clock.result[0]!.values.map((sample) => [sample.time, sample.value])).toEqual(
      [3, 2, 1, 0].map((before) => [end.getTime() / 1000 - before, end.getTime() / 1000 - before]),
    );
    const up = await client.queryRange("up", start, end, 1);
    expect(up.result.map((series) => series.metric.job)).toEqual(["prometheus"]);
    expect(up.result[0]!.values.length).toBeGreaterThanOrEqual(1);
    expect(up.result[0]!.values.every((sample) => sample.value === 1)).toBe(true);
  });

  it("answers a query that does not parse with a bad_query error naming the PromQL error; not retryable", async () => {
    const error = await prometheusFailure(client.query("sum(rate(up"));
    expect(error).toMatchObject({ kind: "bad_query", retryable: false, status: 400, errorType: "bad_data" });
    expect(error.message).toContain('"sum(rate(up": 1:12: parse error: unclosed left parenthesis');
  });

  it("answers a query that cannot be evaluated with a bad_query error (422); not retryable", async () => {
    const error = await prometheusFailure(
      client.query(recordedExchange("execution-error").request.form.query!),
    );
    expect(error).toMatchObject({ kind: "bad_query", retryable: false, status: 422, errorType: "execution" });
  });

  it("gives a retryable error once the server is stopped, and the dependency check fails", async () => {
    const workDir = await mkdtemp(join(tmpdir(), "mesh-prometheus-"));
    const server = await startPrometheus(workDir, () => {});
    try {
      const own = createPrometheusClient({ baseUrl: server.url, timeoutMs: 2000 });
      expect((await own.query("up")).resultType).toBe("vector");
      expect(await checkPasses(server.url)).toBe(true);
      await server.stop();
      const error = await prometheusFailure(own.query("up"));
      expect(error).toMatchObject({ kind: "unavailable", retryable: true });
      expect(error.message).toContain("(ECONNREFUSED); is it running?");
      expect(await checkPasses(server.url)).toBe(false);
    } finally {
      await server.stop();
      await rm(workDir, { recursive: true, force: true });
    }
  });

  it("passes the declarative dependency check while the server is ready", async () => {
    expect(await checkPasses(url)).toBe(true);
  });

  it("still answers every recorded request as recorded: same status, error type and result type", async () => {
    const now = Date.now() / 1000;
    for (const request of fixtureRequests) {
      const form: Record<string, string> = { ...request.form };
      if (request.window !== undefined)
        Object.assign(form, { start: String(now - request.window), end: String(now) });
      const live = await fetch(`${url}${request.path}`, { method: "POST", body: new URLSearchParams(form) });
      const recorded = recordedExchange(request.name).response;
      expect(live.status, request.name).toBe(recorded.status);
      expect(shapeOf(await live.text()), request.name).toEqual(shapeOf(recorded.body));
    }
  });
});

/** The dependency check as the orchestrator runs it: URL filled from PROMETHEUS_URL, GET, status 200. */
async function checkPasses(baseUrl: string): Promise<boolean> {
  const check = registeredCheck(prometheusDependencyCheck());
  if ("problem" in check) throw new Error(check.problem);
  const target = resolveCheckUrl(check.url, (name) => (name === "PROMETHEUS_URL" ? baseUrl : undefined));
  if ("problem" in target) throw new Error(target.problem);
  try {
    const response = await fetch(target.url, { signal: AbortSignal.timeout(check.timeoutMs) });
    return response.status >= check.expectStatus.min && response.status <= check.expectStatus.max;
  } catch {
    return false;
  }
}

/** What must not drift between a recording and the live server: status field, error type, result type and series count. */
function shapeOf(body: string): unknown {
  try {
    const answer = JSON.parse(body) as { status?: string; errorType?: string; data?: unknown };
    const result = queryResult(answer.data);
    return {
      status: answer.status,
      errorType: answer.errorType,
      resultType: result?.resultType,
      series: result && Array.isArray(result.result) ? result.result.length : undefined,
    };
  } catch {
    return { text: body };
  }
}
