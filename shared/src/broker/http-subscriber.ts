import { systemClock } from "../clock.ts";
import type { Clock } from "../ports/clock.ts";
import { decodeHttpMessage, encodeBinary, looksLikeCloudEvent } from "./http-binding.ts";
import type { Subscriber, SubscriberResponse } from "./types.ts";

export interface HttpSubscriberSettings {
  /** Where to POST the events. */
  readonly url: string;
  readonly fetch?: typeof fetch;
  /** A limit for one attempt, on top of the caller's signal. */
  readonly timeoutMs?: number;
  readonly clock?: Clock;
  /** Extra request headers (e.g. Authorization). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** An attempt that ran out of time. */
export class DeliveryTimeoutError extends Error {
  constructor(url: string, timeoutMs: number) {
    super(`no answer from ${url} within ${timeoutMs} ms`);
    this.name = "DeliveryTimeoutError";
  }
}

/**
 * Delivers by a binary-mode POST, as the Kafka broker dispatcher does (with `Prefer:
 * reply`). Resolves with the status, body and headers; a CloudEvent in a 2xx response
 * (binary or structured) is the reply, and a non-empty 2xx body that is not one sets
 * `replyError`. Rejects on a connection error, a timeout or an abort.
 */
export function createHttpSubscriber(settings: HttpSubscriberSettings): Subscriber {
  const fetchImplementation = settings.fetch ?? fetch;
  const clock = settings.clock ?? systemClock;
  return async (event, { signal }) => {
    const controller = new AbortController();
    const forward = () => controller.abort(signal.reason);
    if (signal.aborted) forward();
    else signal.addEventListener("abort", forward, { once: true });
    const timer = new AbortController();
    if (settings.timeoutMs !== undefined) {
      const timeoutMs = settings.timeoutMs;
      clock.sleep(timeoutMs, timer.signal).then(
        () => controller.abort(new DeliveryTimeoutError(settings.url, timeoutMs)),
        () => {},
      );
    }
    try {
      const { headers, body } = encodeBinary(event);
      const response = await fetchImplementation(settings.url, {
        method: "POST",
        headers: { ...headers, prefer: "reply", ...settings.headers },
        ...(body === undefined ? {} : { body }),
        signal: controller.signal,
      });
      const responseBody = new Uint8Array(await response.arrayBuffer());
      return readResponse(response.status, response.headers, responseBody);
    } catch (error) {
      if (controller.signal.aborted) throw controller.signal.reason;
      throw error;
    } finally {
      signal.removeEventListener("abort", forward);
      timer.abort();
    }
  };
}

/** A subscriber's HTTP response as the broker sees it. */
export function readResponse(status: number, headers: Headers, body: Uint8Array): SubscriberResponse {
  const headerRecord = Object.fromEntries(headers.entries());
  const base = { status, headers: headerRecord, ...(body.length > 0 ? { body } : {}) };
  if (status < 200 || status >= 300) return base;
  if (looksLikeCloudEvent(headers)) {
    const decoded = decodeHttpMessage({ headers, body });
    if (decoded.ok) return { ...base, reply: decoded.event };
    // Knative discards an undecodable response without a body
    if (body.length === 0) return base;
    return {
      ...base,
      replyError: `the response looks like a CloudEvent but is not a valid one: ${decoded.error}`,
    };
  }
  if (body.length === 0) return base;
  const type = headers.get("content-type") ?? "no Content-Type";
  return {
    ...base,
    replyError: `the ${status} response has a ${body.length}-byte body (${type}) that is not a CloudEvent; answer with an empty body or a CloudEvent`,
  };
}
