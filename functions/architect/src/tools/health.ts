import { createPrometheusClient } from "@mesh-six/integration-prometheus";
import { tool } from "@mesh-six/shared/agent";
import { z } from "zod";
import type { ArchitectConfig } from "../config.ts";

/**
 * service_health: the service's scrape targets from Prometheus (`up`, filtered to those
 * whose job, service or app label is the service), plus an optional PromQL query the model asks for.
 */
export function serviceHealth(fetch?: typeof globalThis.fetch) {
  return tool({
    description:
      "The health of a service from Prometheus: its scrape targets up or down; optionally one PromQL query (error rate, latency) for it",
    input: z.object({
      service: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, "a job or service name"),
      promql: z.string().min(1).max(2_000).optional().describe("an instant PromQL query to run as well"),
    }),
    retry: { attempts: 3, delay: "PT1S" },
    run: async ({ service, promql }, ctx) => {
      const config = ctx.config as ArchitectConfig;
      if (!config.PROMETHEUS_URL) {
        return {
          configured: false,
          message: "Prometheus is not configured (PROMETHEUS_URL is unset): there is no health data; say so",
        };
      }
      const prometheus = createPrometheusClient({
        baseUrl: config.PROMETHEUS_URL,
        ...(fetch ? { fetch } : {}),
      });
      const up = await prometheus.query("up");
      const targets =
        up.resultType === "vector"
          ? up.result
              .filter((sample) =>
                [sample.metric.job, sample.metric.service, sample.metric.app].includes(service),
              )
              .map((sample) => ({ instance: sample.metric.instance ?? "", up: sample.value.value === 1 }))
          : [];
      const extra = promql ? await prometheus.query(promql) : undefined;
      return {
        configured: true,
        service,
        targets,
        healthy: targets.length > 0 && targets.every((target) => target.up),
        ...(targets.length === 0 ? { note: `Prometheus scrapes no target for ${service}` } : {}),
        ...(extra ? { query: { promql, ...extra } } : {}),
      };
    },
  });
}
