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
import { sseAnswer } from "./sse.ts";

/** The methods that start or change work (the `write` scope); the others only read. */
const writeMethods = new Set([
  "SendMessage",
  "SendStreamingMessage",
  "CancelTask",
  "message/send",
  "message/stream",
  "tasks/cancel",
]);
/** v1.0's method names, taken also when A2A-Version is empty (which means 0.3). */
const v1Methods = new Set([
  "SendMessage",
  "SendStreamingMessage",
  "GetTask",
  "ListTasks",
  "CancelTask",
  "SubscribeToTask",
]);

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
  const call = body.value as { id?: unknown; method?: unknown };
  const id: RpcId = typeof call?.id === "string" || typeof call?.id === "number" ? call.id : null;
  const method = typeof call?.method === "string" ? call.method : "";
  const header = context.req.header(A2A_VERSION_HEADER)?.trim() ?? "";
  const version = header === "" ? (v1Methods.has(method) ? "1.0" : "0.3") : header;
  if (!(jsonRpcVersions as readonly string[]).includes(version)) {
    const error = new VersionNotSupportedError(
      `A2A-Version '${header}' is not supported; this server speaks ${jsonRpcVersions.join(" and ")} on JSON-RPC (send A2A-Version: 1.0)`,
    );
    return rpcError(id, JsonRpcTransportHandler.mapToJSONRPCError(error));
  }
  if (writeMethods.has(method)) {
    const refused = authorize(callerOf(context), "write", `the A2A method ${method}`, { perUser: true });
    if (refused) return refused;
  }
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
  if (!isStream(answer)) return Response.json(answer);
  return sseAnswer(answer, {
    data: (item) => item,
    early: (error) => rpcError(id, mapError(error)),
    late: (error) => `data: ${JSON.stringify({ jsonrpc: "2.0", id, error: mapError(error) })}\n\n`,
  });
}

function isStream<T>(value: T | AsyncGenerator<T>): value is AsyncGenerator<T> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function";
}
