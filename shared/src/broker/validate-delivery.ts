import type { DeliverySpec } from "../function/knative-types.ts";
import { parseDuration } from "./duration.ts";

/** Problems with a delivery policy (Knative's DeliverySpec.Validate, plus no negative durations). */
export function validateDelivery(path: string, delivery: DeliverySpec): string[] {
  if (!delivery || typeof delivery !== "object") return [`${path}: must be an object`];
  const problems: string[] = [];
  const { retry, backoffPolicy, backoffDelay, timeout, deadLetterSink } = delivery;
  if (retry !== undefined && (typeof retry !== "number" || !Number.isInteger(retry) || retry < 0)) {
    problems.push(`${path}.retry: ${JSON.stringify(retry)} must be a whole number of retries, 0 or more`);
  }
  if (backoffPolicy !== undefined && backoffPolicy !== "exponential" && backoffPolicy !== "linear") {
    problems.push(
      `${path}.backoffPolicy: ${JSON.stringify(backoffPolicy)} must be "exponential" or "linear"`,
    );
  }
  if (backoffDelay !== undefined) {
    const ms = typeof backoffDelay === "string" ? parseDuration(backoffDelay) : undefined;
    if (ms === undefined) problems.push(durationProblem(`${path}.backoffDelay`, backoffDelay, "PT1S"));
    else if (ms < 0)
      problems.push(`${path}.backoffDelay: ${backoffDelay} is negative; give a delay of 0 or more`);
  }
  if (timeout !== undefined) {
    const ms = typeof timeout === "string" ? parseDuration(timeout) : undefined;
    if (ms === undefined) problems.push(durationProblem(`${path}.timeout`, timeout, "PT30S"));
    else if (ms <= 0) problems.push(`${path}.timeout: ${timeout} must be longer than zero`);
  }
  if (deadLetterSink !== undefined)
    problems.push(...validateDestination(`${path}.deadLetterSink`, deadLetterSink));
  return problems;
}

/** Problems with a Destination: a `ref` (apiVersion, kind, name) and/or a `uri`. */
export function validateDestination(path: string, destination: unknown): string[] {
  if (!destination || typeof destination !== "object") {
    return [`${path}: missing; give a ref (apiVersion, kind, name) or a uri`];
  }
  const { ref, uri } = destination as { ref?: Record<string, unknown>; uri?: unknown };
  if (ref === undefined && uri === undefined)
    return [`${path}: give a ref (apiVersion, kind, name) or a uri`];
  const problems: string[] = [];
  if (ref !== undefined) {
    for (const field of ["apiVersion", "kind", "name"] as const) {
      if (typeof ref?.[field] !== "string" || ref[field] === "")
        problems.push(`${path}.ref.${field}: missing`);
    }
  }
  if (uri !== undefined) {
    if (typeof uri !== "string" || uri === "") problems.push(`${path}.uri: must be a non-empty string`);
    else if (ref === undefined && !URL.canParse(uri)) {
      problems.push(`${path}.uri: ${JSON.stringify(uri)} is not an absolute URL (e.g. http://host/path)`);
    }
  }
  return problems;
}

function durationProblem(path: string, value: unknown, example: string): string {
  return `${path}: ${JSON.stringify(value)} is not an ISO-8601 duration (e.g. ${example})`;
}
