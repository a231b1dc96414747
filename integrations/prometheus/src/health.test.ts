import { registeredCheck, resolveCheckUrl } from "@mesh-six/shared/registry/checks";
import { describe, expect, it } from "vitest";
import { prometheusDependencyCheck } from "./health.ts";

describe("prometheusDependencyCheck", () => {
  it("is a dependency check the registry takes: GET {PROMETHEUS_URL}/-/ready, expecting 200", () => {
    const check = prometheusDependencyCheck();
    expect(check).toEqual({ name: "prometheus", url: "{PROMETHEUS_URL}/-/ready", expectStatus: 200 });
    expect(registeredCheck(check)).toEqual({
      name: "prometheus",
      url: "{PROMETHEUS_URL}/-/ready",
      expectStatus: { min: 200, max: 200 },
      timeoutMs: 750,
    });
    expect(
      resolveCheckUrl(check.url, (name) => (name === "PROMETHEUS_URL" ? "http://prom:9090" : undefined)),
    ).toEqual({ url: "http://prom:9090/-/ready" });
  });

  it("takes another variable, the liveness endpoint and a timeout", () => {
    expect(
      prometheusDependencyCheck({
        name: "metrics",
        variable: "METRICS_URL",
        endpoint: "healthy",
        timeoutMs: 2000,
      }),
    ).toEqual({ name: "metrics", url: "{METRICS_URL}/-/healthy", expectStatus: 200, timeoutMs: 2000 });
  });
});
