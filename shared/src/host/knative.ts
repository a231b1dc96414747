import { AsyncLocalStorage } from "node:async_hooks";
import { findEventType, type MeshEvent } from "@mesh-six/events";
import { outsideTypesOf } from "../broker/event-policy.ts";
import { compileTriggerFilter } from "../broker/filters.ts";
import { decodeHttpMessage, encodeBinary, looksLikeCloudEvent } from "../broker/http-binding.ts";
import { triggersFor } from "../broker/triggers.ts";
import type { SubscriberResponse } from "../broker/types.ts";
import type { RateLimitConfig } from "../config/access.ts";
import { errorMessage } from "../errors.ts";
import type { FetchHandler } from "../function/define.ts";
import { bodyLimitOf, guardRequest, restyleOf } from "../http/guard.ts";
import {
  createFunctionRuntime,
  type FunctionRuntime,
  type FunctionRuntimeSettings,
} from "../runtime/function-runtime.ts";
import { sweepOutbox } from "../runtime/sweep.ts";
import { type BrokerPlacement, describeFunction } from "./describe.ts";
import { signatureExtension, signatureProblem } from "./event-signature.ts";
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
  /** The Broker the function's Triggers belong to (MESH_NAMESPACE, MESH_BROKER_NAME), for its description. */
  readonly placement?: BrokerPlacement;
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
 * handler, outbox); its follow-ups are POSTed to the broker before the answer. What it
 * cannot take (a request that is no CloudEvent, a type that is not the mesh's or that
 * none of its Triggers lets through, such as `kn func invoke`'s default `boson.fn`) is
 * 400 with the function's description (`describeFunction`, also `GET /`): what it takes
 * and a command that sends it real work. When one
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
      ? publicLimit(
          settings.kv,
          settings.config as RateLimitConfig,
          settings.clock,
          logger,
        )(created, definition.http?.restyle)
      : created;
  const paths = definition.http?.paths ?? [];
  const servesPath = (pathname: string) =>
    paths.some((path) => pathname === path || pathname.startsWith(`${path.replace(/\/$/, "")}/`));

  const unsigned = new Set(settings.outsideEventTypes ?? outsideTypesOf([definition]));
  const eventKey = settings.eventKey;
  const placement = settings.placement ?? { namespace: "mesh-six", broker: "default" };
  const triggers = triggersFor(definition, placement);
  const filters = triggers.map(compileTriggerFilter);
  const description = () => describeFunction(definition, triggers, unsigned, placement);
  // what kn func invoke's default event (boson.fn) or plain POST gets: why not, and what would do
  const cannotTake = (error: string) => Response.json({ error, ...description() }, { status: 400 });
  const receive = async (request: Request): Promise<Response> => {
    if (!runtime) {
      await request.body?.cancel().catch(() => {});
      return cannotTake(
        `function ${definition.name} subscribes to no events, so it takes no CloudEvents${definition.http ? `; it serves HTTP under ${definition.http.paths.join(", ")}` : ""}`,
      );
    }
    const body = new Uint8Array(await request.arrayBuffer());
    const decoded = decodeHttpMessage({ headers: request.headers, body });
    if (!decoded.ok) {
      if (looksLikeCloudEvent(request.headers))
        return problem(400, `not a valid CloudEvent: ${decoded.error}`);
      return cannotTake(
        `POST / takes CloudEvents (binary mode with ce-specversion, ce-id, ce-source and ce-type headers, or structured mode as application/cloudevents+json), and this request is not one (${decoded.error}); kn func invoke sends plain HTTP unless given --format cloudevent`,
      );
    }
    const { type } = decoded.event;
    const knative = type.startsWith("dev.knative.");
    const known = unsigned.has(type) || knative || findEventType(type) !== undefined;
    const unknownType = `${type} is not an event type of the mesh (events/src/catalog.ts)`;
    if (filters.length > 0 && !filters.some((matches) => matches(decoded.event))) {
      return cannotTake(
        known
          ? `function ${definition.name} takes no ${type} event like this one: none of its Triggers lets it through`
          : `${unknownType}, and none of function ${definition.name}'s Triggers takes it`,
      );
    }
    // a function without Triggers (the dead-letter sink) takes what the mesh sends, signed
    if (filters.length === 0 && !known && !request.headers.has(`ce-${signatureExtension}`)) {
      return cannotTake(`${unknownType}, so function ${definition.name} takes none`);
    }
    if (!unsigned.has(type) && !knative) {
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
    fetch: guardRequest(
      async (request) => {
        const { pathname } = new URL(request.url);
        if (pathname === "/healthz" && (request.method === "GET" || request.method === "HEAD")) {
          return Response.json({ status: "ok", function: definition.name });
        }
        if (routes && servesPath(pathname)) return routes(request);
        if (request.method === "POST" && (pathname === "/" || looksLikeCloudEvent(request.headers))) {
          return receive(request);
        }
        if (request.method === "GET" && pathname === "/") return Response.json(description());
        return problem(404, `function ${definition.name} serves no ${request.method} ${pathname}`);
      },
      { maxBodyBytes: bodyLimitOf([definition]), restyle: restyleOf([definition]) },
    ),
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
