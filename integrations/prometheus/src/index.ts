export {
  createPrometheusClient,
  defaultTimeoutMs,
  type PrometheusClient,
  type PrometheusSettings,
  type RangeAnswer,
} from "./client.ts";
export { PrometheusError, type PrometheusErrorKind } from "./errors.ts";
export { prometheusDependencyCheck } from "./health.ts";
export type { Labels, QueryAnswer, QueryResult, Sample } from "./result.ts";
