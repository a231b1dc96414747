import type { DeliverySpec } from "../function/knative-types.ts";
import { parseDuration } from "./duration.ts";

export { parseDuration } from "./duration.ts";

/** The backoff delay when `retry` is set without `backoffDelay` (the Kafka broker's default). */
export const defaultBackoffDelayMs = 1000;

/** The per-attempt timeout when `timeout` is not set (the Kafka broker dispatcher's default). */
export const defaultTimeoutMs = 600_000;

/**
 * How long to wait before retry number `retryNumber` (1 for the first retry), or undefined
 * when that retry is not allowed: exponential = delay·2ⁿ (the first retry waits 2×delay),
 * linear = delay·n; no delivery policy or no `retry` → no retries.
 */
export function retryDelayMs(spec: DeliverySpec | undefined, retryNumber: number): number | undefined {
  const retries = spec?.retry ?? 0;
  if (retryNumber < 1 || retryNumber > retries) return undefined;
  const delay = spec?.backoffDelay === undefined ? defaultBackoffDelayMs : durationMs(spec.backoffDelay);
  return spec?.backoffPolicy === "linear" ? delay * retryNumber : delay * 2 ** retryNumber;
}

/** The time one attempt may take. */
export function timeoutMs(spec: DeliverySpec | undefined): number {
  return spec?.timeout === undefined ? defaultTimeoutMs : durationMs(spec.timeout);
}

export type StatusClass = "success" | "retry" | "dead-letter";

/**
 * What a subscriber's HTTP status means for the delivery, as the Kafka broker dispatcher
 * decides it: 2xx success; 5xx, 404, 408, 409 and 429 are retried; any other status
 * (other 4xx, 3xx, 1xx) goes straight to the dead-letter sink.
 */
export function classifyStatus(status: number): StatusClass {
  if (status >= 200 && status < 300) return "success";
  if (status >= 500 || status === 404 || status === 408 || status === 409 || status === 429) return "retry";
  return "dead-letter";
}

// Validated Triggers only reach here; an unparsable value falls back to no wait at all.
function durationMs(text: string): number {
  return Math.abs(parseDuration(text) ?? 0);
}
