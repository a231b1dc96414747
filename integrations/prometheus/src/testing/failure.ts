import { PrometheusError } from "../errors.ts";

/** The PrometheusError a call rejected with; throws when it resolved or rejected with anything else. */
export async function prometheusFailure(call: Promise<unknown>): Promise<PrometheusError> {
  const outcome = await call.then(
    (value: unknown) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if ("error" in outcome && outcome.error instanceof PrometheusError) return outcome.error;
  throw new Error(
    "error" in outcome
      ? `expected a PrometheusError, got ${String(outcome.error)}`
      : `expected a PrometheusError, but the call answered ${JSON.stringify(outcome.value)}`,
  );
}
