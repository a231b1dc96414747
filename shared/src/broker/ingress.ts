import { errorMessage, isRetryable } from "../errors.ts";
import { readBody } from "../http/body.ts";
import type { Logger } from "../ports/logger.ts";
import { maxBodyBytes as defaultMaxBodyBytes } from "../validate/limits.ts";
import type { EventPolicy } from "./event-policy.ts";
import { decodeHttpMessage } from "./http-binding.ts";
import type { Broker } from "./types.ts";

export interface IngressSettings {
  /** The broker at `/<namespace>/<name>`, undefined when there is none. */
  readonly resolveBroker: (namespace: string, name: string) => Broker | undefined;
  readonly logger: Logger;
  /** Largest body accepted (default 1 MiB, Kafka's default record size). */
  readonly maxBodyBytes?: number;
  /** Which events senders may post here (403 with the reason for the others); any when omitted. */
  readonly policy?: EventPolicy;
}

export type IngressHandler = (request: Request) => Promise<Response>;

/**
 * The broker ingress, `POST /<namespace>/<broker>` with one CloudEvent in binary or
 * structured mode: 202 once the broker has stored it, 400 for an invalid event (the JSON
 * body says why), 403 for an event its policy refuses, 404 for an unknown broker, 405 for
 * other methods, 413 for a body over the limit, 503 when the event cannot be stored.
 */
export function createIngress(settings: IngressSettings): IngressHandler {
  const { resolveBroker, logger } = settings;
  const maxBodyBytes = settings.maxBodyBytes ?? defaultMaxBodyBytes;
  return async (request) => {
    const path = new URL(request.url).pathname;
    const segments = pathSegments(path);
    if (segments?.length !== 2)
      return problem(404, `no broker at ${path}; post events to /<namespace>/<broker>`);
    const [namespace, name] = segments as [string, string];
    const broker = resolveBroker(namespace, name);
    if (!broker) return problem(404, `there is no broker ${name} in namespace ${namespace}`);
    if (request.method !== "POST") {
      return problem(405, `${request.method} is not allowed; post a CloudEvent to this broker`, {
        allow: "POST",
      });
    }
    // read as a stream: a body over the limit is refused as soon as it passes it
    const read = await readBody(request, maxBodyBytes);
    if (!read.ok) return read.response;
    const decoded = decodeHttpMessage({ headers: request.headers, body: read.body });
    if (!decoded.ok) {
      logger.info("refused an invalid event", { broker: `${namespace}/${name}`, error: decoded.error });
      return problem(400, `invalid CloudEvent: ${decoded.error}`);
    }
    const { event } = decoded;
    const refusal = settings.policy?.(event);
    if (refusal) {
      logger.info("refused an event its policy does not allow", { eventType: event.type, error: refusal });
      return problem(403, refusal);
    }
    try {
      await broker.publish(event);
    } catch (error) {
      if (!isRetryable(error)) return problem(400, `invalid CloudEvent: ${errorMessage(error)}`);
      logger.error("could not store an event", {
        broker: `${namespace}/${name}`,
        eventId: event.id,
        eventType: event.type,
        error: errorMessage(error),
      });
      return problem(503, `the event could not be stored (${errorMessage(error)}); send it again later`, {
        "retry-after": "1",
      });
    }
    return new Response(null, { status: 202 });
  };
}

function pathSegments(path: string): string[] | undefined {
  try {
    return path
      .split("/")
      .filter((segment) => segment !== "")
      .map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

function problem(status: number, error: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error }, { status, headers });
}
