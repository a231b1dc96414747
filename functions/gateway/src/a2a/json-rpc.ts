import { A2A_VERSION_HEADER } from "@a2a-js/sdk";
import { LegacyJsonRpcTransportHandler } from "@a2a-js/sdk/compat/v0_3/server";
import { VersionNotSupportedError } from "@a2a-js/sdk/errors";
import { JsonRpcTransportHandler, ServerCallContext } from "@a2a-js/sdk/server";
import { authorize } from "@mesh-six/shared/auth/authenticate";
import { readJsonBody } from "@mesh-six/shared/http/json-body";
import type { Context } from "hono";
import { callerOf } from "../access.ts";
import type { GatewayContext } from "../config.ts";
import { jsonRpcVersions } from "./card.ts";
import { handlerFor, unknownAgent } from "./endpoint.ts";
import { methodNotFound, methodsOf, taskIdProblem } from "./rpc-params.ts";
import { sseAnswer } from "./sse.ts";

/** The methods that start or change work (the `write` scope); the others only read (`read`). */
const writeMethods = new Set([
  "SendMessage",
  "SendStreamingMessage",
  "CancelTask",
  "message/send",
  "message/stream",
  "tasks/cancel",
]);
/** v1.0's method names are PascalCase (v0.3's are like message/send): taken also when A2A-Version is empty, which means 0.3. */
const v1Method = /^[A-Z][A-Za-z]+$/;

type RpcId = string | number | null;

function rpcError(id: RpcId, error: { code: number; message: string; data?: unknown }): Response {
  return Response.json({ jsonrpc: "2.0", id, error });
}

/**
 * One JSON-RPC call through the fleet's card (`agent` undefined) or one agent's: v1.0
 * (`A2A-Version: 1.0`) through the SDK's JsonRpcTransportHandler, v0.3 (`A2A-Version: 0.3`
 * or none) through its v0.3 compat handler; any other version is VersionNotSupported.
 * Streaming methods answer with Server-Sent Events, one JSON-RPC response each.
 */
export async function answerJsonRpc(
  ctx: GatewayContext,
  context: Context,
  agent?: string,
): Promise<Response> {
  const body = await readJsonBody(context.req.raw, {
    example: '{"jsonrpc": "2.0", "id": 1, "method": "SendMessage", "params": {"message": {…}}}',
  });
  if (!body.ok) {
    const { error } = (await body.response.json()) as { error: string };
    return rpcError(null, { code: -32700, message: error });
  }
  const envelope = envelopeOf(body.value);
  if (!envelope.ok) return rpcError(envelope.id, { code: -32600, message: envelope.problem });
  const { id, method } = envelope;
  const header = context.req.header(A2A_VERSION_HEADER)?.trim() ?? "";
  const version = header === "" ? (v1Method.test(method) ? "1.0" : "0.3") : header;
  if (!(jsonRpcVersions as readonly string[]).includes(version)) {
    const error = new VersionNotSupportedError(
      `A2A-Version '${header}' is not supported; this server speaks ${jsonRpcVersions.join(" and ")} on JSON-RPC (send A2A-Version: 1.0)`,
    );
    return envelope.notification
      ? notified()
      : rpcError(id, JsonRpcTransportHandler.mapToJSONRPCError(error));
  }
  // the route lets in a key with `read` or `write`; each method needs its own (an unknown
  // method needs neither: it is answered -32601)
  if ((methodsOf[version === "0.3" ? "0.3" : "1.0"] as readonly string[]).includes(method)) {
    const scope = writeMethods.has(method) ? "write" : "read";
    const refused = authorize(callerOf(context), scope, `the A2A method ${method}`, { perUser: true });
    if (refused) return refused;
  }
  const params = (body.value as { params?: unknown }).params;
  const idProblem = taskIdProblem(method, params);
  if (idProblem)
    return envelope.notification ? notified() : rpcError(id, { code: -32602, message: idProblem });
  const handler = await handlerFor(ctx, context, agent);
  if (!handler) return unknownAgent(ctx, context, agent ?? "");
  const transport =
    version === "0.3" ? new LegacyJsonRpcTransportHandler(handler) : new JsonRpcTransportHandler(handler);
  const mapError =
    version === "0.3"
      ? LegacyJsonRpcTransportHandler.mapToLegacyJSONRPCError
      : JsonRpcTransportHandler.mapToJSONRPCError;
  const callContext = new ServerCallContext({ requestedVersion: version });
  const answer = await transport.handle(body.value as Record<string, unknown>, callContext);
  if (envelope.notification) return notified(answer);
  if (!isStream(answer))
    return Response.json(namingMethods(answer, method, version === "0.3" ? "0.3" : "1.0"));
  return sseAnswer(answer, {
    data: (item) => item,
    early: (error) => rpcError(id, mapError(error)),
    late: (error) => `data: ${JSON.stringify({ jsonrpc: "2.0", id, error: mapError(error) })}\n\n`,
  });
}

/**
 * The JSON-RPC 2.0 request object's own fields (-32600 when they are wrong), checked before
 * the SDK sees it. An id is the caller's to choose and only echoed: the same id twice is two
 * requests. A number id must be a safe integer (JSON-RPC: no fractions; beyond 2^53 it would
 * come back as another number). No `id` member at all makes the request a notification.
 */
function envelopeOf(
  value: unknown,
):
  | { ok: true; id: RpcId; method: string; notification: boolean }
  | { ok: false; id: RpcId; problem: string } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      ok: false,
      id: null,
      problem: "the body must be one JSON-RPC 2.0 request object (batches are not supported)",
    };
  }
  const call = value as { jsonrpc?: unknown; id?: unknown; method?: unknown };
  const idOk =
    call.id === undefined || call.id === null || typeof call.id === "string" || Number.isSafeInteger(call.id);
  const id: RpcId = idOk && call.id !== undefined ? (call.id as RpcId) : null;
  if (call.jsonrpc !== "2.0") return { ok: false, id, problem: 'jsonrpc must be "2.0"' };
  if (!idOk) {
    return {
      ok: false,
      id: null,
      problem:
        typeof call.id === "number" && Number.isInteger(call.id)
          ? `id ${call.id} is beyond ±${Number.MAX_SAFE_INTEGER}, so it cannot be answered exactly; send it as a string`
          : "id must be a string, a whole number or null",
    };
  }
  if (typeof call.method !== "string" || call.method === "") {
    return { ok: false, id, problem: "method must name an A2A method, e.g. SendMessage" };
  }
  return { ok: true, id, method: call.method, notification: !("id" in call) };
}

/** A -32601 from the SDK ("Invalid method.") with a message that names the method and the version's methods. */
function namingMethods(answer: unknown, method: string, version: "1.0" | "0.3"): unknown {
  const error = (answer as { error?: { code?: unknown } }).error;
  if (error?.code !== -32601) return answer;
  return { ...(answer as object), error: { ...error, message: methodNotFound(method, version) } };
}

/**
 * A notification (no `id`) is carried out but never answered (JSON-RPC 2.0: "the Server MUST
 * NOT reply to a Notification", errors included): 204 with no body. A streaming method runs
 * until its first event, the point where the message has been taken, and its stream is closed.
 */
async function notified(answer?: unknown): Promise<Response> {
  if (isStream(answer)) {
    await answer.next().catch(() => undefined);
    await answer.return(undefined).catch(() => undefined);
  }
  return new Response(null, { status: 204 });
}

function isStream<T>(value: T | AsyncGenerator<T>): value is AsyncGenerator<T> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function"
  );
}
