import type { MeshEvent } from "@mesh-six/events";
import { errorMessage } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import { classifyStatus } from "./delivery-policy.ts";
import { normalizeEvent, validateEvent } from "./event-json.ts";
import type { Subscriber } from "./types.ts";

/** How one delivery attempt ended. */
export type AttemptOutcome =
  | { readonly kind: "delivered"; readonly status: number; readonly reply?: MeshEvent }
  | {
      readonly kind: "failed";
      /** Whether a retry may help (5xx, 404, 408, 409, 429, timeouts, connection errors). */
      readonly retryable: boolean;
      /** The subscriber's status; null when there was no response. */
      readonly status: number | null;
      readonly body?: Uint8Array;
      readonly headers?: Readonly<Record<string, string>>;
      readonly error: string;
    };

/**
 * Calls the subscriber once, giving up after `timeoutMs` by `clock` (the subscriber's
 * signal is aborted then), and says what the answer means for the delivery.
 */
export async function attemptDelivery(
  subscriber: () => Subscriber,
  event: MeshEvent,
  options: { readonly clock: Clock; readonly timeoutMs: number },
): Promise<AttemptOutcome> {
  const controller = new AbortController();
  const timer = new AbortController();
  const timedOut = options.clock.sleep(options.timeoutMs, timer.signal).then(
    () => "timeout" as const,
    () => "cancelled" as const,
  );
  try {
    const call = Promise.resolve()
      .then(() => subscriber()(event, { signal: controller.signal }))
      .then(
        (response) => ({ response }),
        (error: unknown) => ({ error }),
      );
    const result = await Promise.race([call, timedOut]);
    if (result === "timeout" || result === "cancelled") {
      controller.abort(new Error(`no answer within ${options.timeoutMs} ms`));
      return {
        kind: "failed",
        retryable: true,
        status: null,
        error: `timed out after ${options.timeoutMs} ms`,
      };
    }
    if ("error" in result) {
      return { kind: "failed", retryable: true, status: null, error: errorMessage(result.error) };
    }
    return outcomeOf(result.response);
  } finally {
    timer.abort();
  }
}

function outcomeOf(response: Awaited<ReturnType<Subscriber>>): AttemptOutcome {
  const { status, body, headers } = response;
  const failure = { status, ...(body ? { body } : {}), ...(headers ? { headers } : {}) };
  const statusClass = classifyStatus(status);
  if (statusClass !== "success") {
    return {
      kind: "failed",
      retryable: statusClass === "retry",
      ...failure,
      error: `the subscriber answered ${status}`,
    };
  }
  if (response.reply) {
    let reply: MeshEvent;
    try {
      reply = normalizeEvent(response.reply);
    } catch (error) {
      return {
        kind: "failed",
        retryable: false,
        ...failure,
        error: `the reply cannot be sent: ${errorMessage(error)}`,
      };
    }
    const problems = validateEvent(reply);
    if (problems.length > 0) {
      return {
        kind: "failed",
        retryable: false,
        ...failure,
        error: `the reply is not a valid CloudEvent: ${problems.join("; ")}`,
      };
    }
    return { kind: "delivered", status, reply };
  }
  if (response.replyError || (body && body.length > 0)) {
    const error = response.replyError ?? `the ${status} response has a body that is not a CloudEvent`;
    return { kind: "failed", retryable: false, ...failure, error };
  }
  return { kind: "delivered", status };
}
