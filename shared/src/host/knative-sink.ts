import type { MeshEvent } from "@mesh-six/events";
import { encodeBinary } from "../broker/http-binding.ts";
import { NonRetryableError, RetryableError } from "../errors.ts";
import { signMessage } from "./event-signature.ts";

export interface SinkPublisherSettings {
  /** Where follow-up events go: `K_SINK`, injected by a SinkBinding (the broker's ingress URL). */
  readonly sink: string;
  /** Extensions set on every event sent (`K_CE_OVERRIDES`), overriding the event's own. */
  readonly extensions?: Readonly<Record<string, string>>;
  readonly fetch?: typeof fetch;
  /** Give up on one POST after this long; default 10 s. */
  readonly timeoutMs?: number;
  /** MESH_EVENT_KEY: every event is signed with it (`meshsignature`), so functions can tell it came from the mesh. */
  readonly signingKey?: string;
  /**
   * Called with each event the sink accepted, as sent: the Knative broker keeps no event
   * log of its own, so the Knative host records what it published (`mesh_events`).
   */
  readonly accepted?: (event: MeshEvent) => Promise<void>;
}

/**
 * Publishes a follow-up event as Knative sources do: a binary-mode POST to `K_SINK` with
 * the `K_CE_OVERRIDES` extensions applied. Resolves when the sink accepted it (2xx, the
 * broker answers 202 once the event is stored in Kafka), signed with `signingKey` when
 * given, then hands it to `accepted`; rejects naming the status and the sink's answer otherwise: a NonRetryableError
 * for a 4xx that says the event itself is refused (400, 413, 422, …; not 404, 408, 409
 * or 429, which can pass), a RetryableError for the rest.
 */
export function createSinkPublisher(settings: SinkPublisherSettings): (event: MeshEvent) => Promise<void> {
  const fetchImplementation = settings.fetch ?? fetch;
  const timeoutMs = settings.timeoutMs ?? 10_000;
  const extensions = settings.extensions ?? {};
  return async (event) => {
    const sent = { ...event, ...extensions };
    const encoded = encodeBinary(sent);
    const { headers, body } = settings.signingKey ? signMessage(settings.signingKey, encoded) : encoded;
    let response: Response;
    try {
      response = await fetchImplementation(settings.sink, {
        method: "POST",
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new RetryableError(`could not POST event ${event.id} to K_SINK ${settings.sink}: ${reason}`, {
        cause: error,
      });
    }
    const answer = (await response.text().catch(() => "")).slice(0, 500);
    if (response.status < 200 || response.status >= 300) {
      const message = `K_SINK ${settings.sink} answered ${response.status} to event ${event.id}${answer ? `: ${answer}` : ""}`;
      throw refused(response.status) ? new NonRetryableError(message) : new RetryableError(message);
    }
    await settings.accepted?.(sent);
  };
}

/** A 4xx that no retry of the same event can change (the broker's delivery rules: 404, 408, 409, 429 pass). */
function refused(status: number): boolean {
  return status >= 400 && status < 500 && ![404, 408, 409, 429].includes(status);
}
