import { AsyncLocalStorage } from "node:async_hooks";
import type { MeshEvent } from "@mesh-six/events";
import { decodeHttpRequest, encodeBinary, looksLikeCloudEvent } from "../broker/http-binding.ts";
import type { SubscriberResponse } from "../broker/types.ts";
import { errorMessage } from "../errors.ts";
import type { FetchHandler } from "../function/define.ts";
import { guardRequest } from "../http/guard.ts";
import {
  createFunctionRuntime,
  type FunctionRuntime,
  type FunctionRuntimeSettings,
} from "../runtime/function-runtime.ts";
import { publicLimit } from "./embedded.ts";

/** What one function needs to run; `publish` sends to the broker (`createSinkPublisher`) and rejects when it was not accepted. */
export type KnativeHostSettings = FunctionRuntimeSettings;

/** One function as a Knative Service serves it, as a Fetch handler the functions-framework adapter calls. */
export interface KnativeHost {
  /** `GET /healthz`, the function's HTTP routes, and CloudEvents POSTed by the broker. */
  readonly fetch: FetchHandler;
  /** Publishes follow-ups left in the outbox; resolves with the count (0 for functions without a handler). */
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
  const created = definition.http?.create({ ...settings, publish: settings.publish });
  const routes =
    created && definition.public
      ? publicLimit(settings.kv, settings.config, settings.clock, logger)(created)
      : created;
  const paths = definition.http?.paths ?? [];
  const servesPath = (pathname: string) =>
    paths.some((path) => pathname === path || pathname.startsWith(`${path.replace(/\/$/, "")}/`));

  const receive = async (request: Request): Promise<Response> => {
    if (!runtime) {
      return problem(
        404,
        `function ${definition.name} subscribes to no events; nothing handles CloudEvents here`,
      );
    }
    const decoded = await decodeHttpRequest(request);
    if (!decoded.ok) return problem(400, `not a valid CloudEvent: ${decoded.error}`);
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
    sweepOutbox: () => (runtime ? runtime.sweepOutbox() : Promise.resolve(0)),
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
