import { AsyncLocalStorage } from "node:async_hooks";
import type { MeshEvent } from "@mesh-six/events";
import { outsideTypesOf } from "../broker/event-policy.ts";
import { decodeHttpMessage, encodeBinary, looksLikeCloudEvent } from "../broker/http-binding.ts";
import type { SubscriberResponse } from "../broker/types.ts";
import type { RateLimitConfig } from "../config/access.ts";
import { errorMessage } from "../errors.ts";
import type { FetchHandler } from "../function/define.ts";
import { guardRequest } from "../http/guard.ts";
import {
  createFunctionRuntime,
  type FunctionRuntime,
  type FunctionRuntimeSettings,
} from "../runtime/function-runtime.ts";
import { sweepOutbox } from "../runtime/sweep.ts";
import { signatureProblem } from "./event-signature.ts";
import { publicLimit } from "./public-limit.ts";

/**
 * What one function needs to run; `publish` sends to the broker (`createSinkPublisher`)
 * and rejects when it was not accepted; `config` is the function's own settings
 * (`readFunctionConfig`).
 */
export interface KnativeHostSettings extends FunctionRuntimeSettings {
  /** MESH_EVENT_KEY: deliveries of mesh events must be signed with it; without it they are refused. */
  readonly eventKey?: string;
  /**
   * Event types delivered without a mesh signature (sent from outside the mesh); the
   * catalog's `fromOutside` types when omitted. Knative's own (`dev.knative.*`, e.g.
   * PingSource) are always accepted unsigned.
   */
  readonly outsideEventTypes?: readonly string[];
}

/** One function as a Knative Service serves it, as a Fetch handler the functions-framework adapter calls. */
export interface KnativeHost {
  /** `GET /healthz`, the function's HTTP routes, and CloudEvents POSTed by the broker. */
  readonly fetch: FetchHandler;
  /** Publishes what the function left in the outbox (follow-ups, events its HTTP routes committed); resolves with the count. */
  sweepOutbox(): Promise<number>;
}

/** The publishes that failed during one delivery, so the delivery can answer non-2xx. */
const delivery = new AsyncLocalStorage<{ failures: unknown[] }>();

/**
 * Serves one function. A CloudEvent runs the function runtime's subscriber (inbox,
 * handler, outbox); its follow-ups are POSTed to the broker before the answer. When one
 * could not be published the answer is 503 even though the handler succeeded: the broker
 * retries, the redelivery finds the event handled and publishes what the outbox still
 * holds (with the same ids). 422 (never succeeds) goes to the dead-letter sink at once.
 */
export function createKnativeHost(settings: KnativeHostSettings): KnativeHost {
  const { definition, logger } = settings;
  const publish = async (event: MeshEvent) => {
    try {
      await settings.publish(event);
    } catch (error) {
      delivery.getStore()?.failures.push(error);
      throw error;
    }
  };
  const runtime: FunctionRuntime | undefined = definition.handler
    ? createFunctionRuntime({ ...settings, publish })
    : undefined;
  const created = definition.http?.create({
    ...settings,
    variable: settings.variable ?? (() => undefined),
    publish: settings.publish,
  });
  // defineFunction requires rateLimitConfig in the config of a public function
  const routes =
    created && definition.public
      ? publicLimit(settings.kv, settings.config as RateLimitConfig, settings.clock, logger)(created)
      : created;
  const paths = definition.http?.paths ?? [];
  const servesPath = (pathname: string) =>
    paths.some((path) => pathname === path || pathname.startsWith(`${path.replace(/\/$/, "")}/`));

  const unsigned = new Set(settings.outsideEventTypes ?? outsideTypesOf([definition]));
  const eventKey = settings.eventKey;
  const receive = async (request: Request): Promise<Response> => {
    if (!runtime) {
      return problem(
        404,
        `function ${definition.name} subscribes to no events; nothing handles CloudEvents here`,
      );
    }
    const body = new Uint8Array(await request.arrayBuffer());
    const decoded = decodeHttpMessage({ headers: request.headers, body });
    if (!decoded.ok) return problem(400, `not a valid CloudEvent: ${decoded.error}`);
    const { type } = decoded.event;
    if (!unsigned.has(type) && !type.startsWith("dev.knative.")) {
      const why = eventKey
        ? signatureProblem(eventKey, request.headers, body)
        : "this function has no MESH_EVENT_KEY to check the mesh's signature with";
      if (why) {
        logger.warn("refused an event that does not come from the mesh", {
          eventId: decoded.event.id,
          type,
          error: why,
        });
        return problem(
          403,
          `${type} is accepted only from mesh functions, signed with the mesh's MESH_EVENT_KEY, and ${why}`,
        );
      }
    }
    const state = { failures: [] as unknown[] };
    const answer = await delivery.run(state, () =>
      runtime.subscriber(decoded.event, { signal: request.signal }),
    );
    if (answer.status >= 200 && answer.status < 300 && state.failures.length > 0) {
      const reason = errorMessage(state.failures[0]);
      logger.warn("follow-ups not published; answering 503 so the broker delivers again", {
        eventId: decoded.event.id,
        error: reason,
      });
      return problem(
        503,
        `handled, but ${state.failures.length} follow-up event(s) could not be published (${reason}); they are kept and the redelivery publishes them`,
      );
    }
    return toResponse(answer);
  };

  return {
    // every request passes the edge checks first: path and query text, the body limit
    fetch: guardRequest(async (request) => {
      const { pathname } = new URL(request.url);
      if (pathname === "/healthz" && (request.method === "GET" || request.method === "HEAD")) {
        return Response.json({ status: "ok", function: definition.name });
      }
      if (routes && servesPath(pathname)) return routes(request);
      if (request.method === "POST" && looksLikeCloudEvent(request.headers)) return receive(request);
      if (request.method === "POST" && pathname === "/" && runtime) return receive(request);
      return problem(404, `function ${definition.name} serves no ${request.method} ${pathname}`);
    }),
    // a function without a handler may still have committed events from its HTTP routes
    sweepOutbox: () =>
      runtime
        ? runtime.sweepOutbox()
        : sweepOutbox({
            db: settings.db,
            publish: settings.publish,
            now: () => settings.clock.now(),
            logger,
            functionName: definition.name,
          }),
  };
}

function toResponse(answer: SubscriberResponse): Response {
  if (answer.reply) {
    const { headers, body } = encodeBinary(answer.reply);
    return new Response(body ?? null, { status: answer.status, headers });
  }
  const body = answer.body && answer.body.length > 0 ? answer.body : null;
  return new Response(body, {
    status: answer.status,
    headers: body ? { "content-type": "application/json" } : {},
  });
}

function problem(status: number, message: string): Response {
  return Response.json({ error: message }, { status });
}
