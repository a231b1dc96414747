import { createHash } from "node:crypto";
import type { MeshEvent } from "@mesh-six/events";
import { validateEvent } from "@mesh-six/shared/broker/event-json";
import { errorMessage } from "@mesh-six/shared/errors";
import type { FetchHandler } from "@mesh-six/shared/function/define";
import { readBody } from "@mesh-six/shared/http/body";
import { problem } from "@mesh-six/shared/http/problem";
import { createHttpOutbox } from "@mesh-six/shared/runtime/http-outbox";
import { formPayload, parsePayload, payloadBytes } from "./body.ts";
import type { ReceiverContext } from "./config.ts";
import { type DeliveryHeaders, deliveryEvent, readHeaders } from "./delivery.ts";
import { type Provider, providers } from "./providers.ts";
import { signatureProblem } from "./signature.ts";
import { recordDelivery } from "./store.ts";

export const receiverName = "webhook-receiver";
/** The routes' prefix (`http.paths`). */
export const webhookPaths = ["/webhooks"];
/** GitHub caps a delivery at 25 MB; the receiver takes that much. */
export const webhookBodyLimit = 25 * 1024 * 1024;
/** A payload up to this size travels in its event; a larger one is stored and referenced. */
export const inlinePayloadLimit = 512 * 1024;

const encoder = new TextEncoder();

/**
 * `POST /webhooks/github` and `POST /webhooks/gitea`: a delivery signed with the route's
 * secret becomes one CloudEvent in the broker (`deliveryEvent`), stored in the same
 * transaction as the delivery's row in `webhook_deliveries`, so a redelivery of the same
 * delivery id publishes nothing new. Answers 202 once the event is in the broker, 200 to a
 * redelivery or a ping, 401 to a missing or wrong signature, 404 when the route's secret
 * is not configured, 4xx naming the fault for anything else it cannot take.
 */
export function createWebhookRoutes(ctx: ReceiverContext): FetchHandler {
  const secrets = new Map(providers.map((provider) => [provider.name, ctx.config[provider.secretVariable]]));
  const outbox = createHttpOutbox({ ...ctx, functionName: receiverName });
  const logger = ctx.logger;

  const receive = async (provider: Provider, secret: string, request: Request): Promise<Response> => {
    const read = await readBody(request, webhookBodyLimit);
    if (!read.ok) return read.response;
    const body = read.body;
    const contentType = request.headers.get("content-type");
    const signed = [body];
    if (contentType?.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      const field = formPayload(body);
      if (typeof field !== "string") signed.push(field);
    }
    const unsigned = signatureProblem(provider, secret, request.headers, signed);
    if (unsigned) {
      logger.warn("refused a webhook delivery without a valid signature", { provider: provider.name });
      return problem(401, unsigned);
    }
    const headers = readHeaders(provider, request.headers);
    if (typeof headers === "string") return problem(400, headers);
    const bytes = payloadBytes(contentType, body);
    if (!bytes.ok) return problem(bytes.status, bytes.error);
    const parsed = parsePayload(bytes.bytes);
    if (!parsed.ok) return problem(400, parsed.error);
    if (headers.name === "ping") return ping(provider, headers, parsed.value);
    return publish(provider, headers, parsed.value, bytes.bytes, parsed.notCarried);
  };

  const publish = async (
    provider: Provider,
    headers: DeliveryHeaders,
    value: Readonly<Record<string, unknown>>,
    payload: Uint8Array,
    notCarried: string | undefined,
  ): Promise<Response> => {
    const sha256 = createHash("sha256").update(payload).digest("hex");
    const why =
      payload.byteLength > inlinePayloadLimit
        ? `${payload.byteLength} bytes, over the ${inlinePayloadLimit}-byte limit of an event's data`
        : notCarried;
    const reference = why && {
      stored: {
        provider: provider.name,
        deliveryId: headers.id,
        bytes: payload.byteLength,
        sha256,
        reason: why,
      },
    };
    const data = reference
      ? { bytes: encoder.encode(JSON.stringify(reference)), stored: true }
      : { bytes: payload, stored: false };
    const event = deliveryEvent(provider, headers, value, data, ctx.clock.now());
    const problems = validateEvent(event);
    if (problems.length > 0)
      return problem(400, `the delivery cannot become a CloudEvent: ${problems.join("; ")}`);
    const key = `${provider.name}:${headers.id}`;
    let fresh: boolean;
    let published: number;
    try {
      const committed = await outbox.commit(key, async (tx) => {
        const recorded = await recordDelivery(tx, {
          provider: provider.name,
          deliveryId: headers.id,
          eventName: headers.name,
          eventType: event.type,
          source: event.source,
          byteLength: payload.byteLength,
          sha256,
          contentType: "application/json",
          ...(reference ? { payload } : {}),
        });
        return { value: recorded, events: recorded ? [event] : [] };
      });
      fresh = committed.value;
      // a redelivery publishes what an earlier attempt left in the outbox, nothing new
      published = fresh ? committed.published : await outbox.flush(key);
    } catch (error) {
      logger.error("could not store a webhook delivery", {
        provider: provider.name,
        error: errorMessage(error),
      });
      return problem(
        503,
        `the delivery could not be stored right now (${errorMessage(error)}); redeliver it from the webhook's Recent Deliveries in ${provider.title}`,
        {},
        { "retry-after": "10" },
      );
    }
    const summary = describe(event, reference !== undefined);
    if (!fresh) {
      return Response.json({
        duplicate: true,
        ...summary,
        note: "this delivery was received before; nothing new is published",
      });
    }
    if (published === 0) {
      return problem(
        503,
        `the delivery is stored but the broker did not take its event yet; it is published by the outbox sweep, or when ${provider.title} redelivers it`,
        {},
        { "retry-after": "10" },
      );
    }
    logger.info("webhook delivery published", { type: event.type, eventId: event.id, source: event.source });
    return Response.json({ accepted: true, ...summary }, { status: 202 });
  };

  return async (request) => {
    const { pathname } = new URL(request.url);
    const provider = providers.find((each) => pathname === each.path || pathname === `${each.path}/`);
    if (!provider) {
      await request.body?.cancel().catch(() => {});
      return problem(
        404,
        `nothing at ${pathname}: GitHub deliveries go to POST /webhooks/github, Gitea deliveries to POST /webhooks/gitea`,
      );
    }
    if (request.method !== "POST") {
      await request.body?.cancel().catch(() => {});
      return problem(
        405,
        `${provider.path} takes ${provider.title} webhook deliveries, POSTed by ${provider.title}`,
        {},
        { allow: "POST" },
      );
    }
    const secret = secrets.get(provider.name);
    if (!secret) {
      await request.body?.cancel().catch(() => {});
      return problem(
        404,
        `${provider.title} webhooks are not enabled here: set ${provider.secretVariable} to the webhook's secret (README, Webhooks); unsigned deliveries are never taken`,
      );
    }
    return receive(provider, secret, request);
  };
}

function ping(
  provider: Provider,
  headers: DeliveryHeaders,
  payload: Readonly<Record<string, unknown>>,
): Response {
  return Response.json({
    ping: true,
    provider: provider.name,
    delivery: headers.id,
    ...(typeof payload.zen === "string" ? { zen: payload.zen } : {}),
    ...(typeof payload.hook_id === "number" ? { hookId: payload.hook_id } : {}),
    note: "the signature holds; a ping is answered and not published",
  });
}

function describe(event: MeshEvent, stored: boolean) {
  return {
    event: {
      id: event.id,
      type: event.type,
      source: event.source,
      ...(event.subject === undefined ? {} : { subject: event.subject }),
      ...(typeof event.meshaction === "string" ? { action: event.meshaction } : {}),
      payload: stored ? "stored" : "inline",
    },
  };
}
