import {
  A2A_CONTENT_TYPE,
  A2A_VERSION_HEADER,
  AgentCard,
  type ListTasksRequest,
  ListTasksResponse,
  SendMessageRequest,
  SendMessageResponse,
  StreamResponse,
  Task,
  TaskState,
  taskStateFromJSON,
} from "@a2a-js/sdk";
import {
  RequestMalformedError,
  restStatusFor,
  TaskNotFoundError,
  toRestErrorBody,
  VersionNotSupportedError,
} from "@a2a-js/sdk/errors";
import type { A2ARequestHandler } from "@a2a-js/sdk/server";
import { ServerCallContext } from "@a2a-js/sdk/server";
import { authorize } from "@mesh-six/shared/auth/authenticate";
import { readJsonBody } from "@mesh-six/shared/http/json-body";
import type { Context } from "hono";
import { callerOf } from "../access.ts";
import type { GatewayContext } from "../config.ts";
import { restVersions } from "./card.ts";
import { handlerFor, unknownAgent } from "./endpoint.ts";
import { sseAnswer } from "./sse.ts";

/** An A2A error in the HTTP+JSON binding's shape (google.rpc.Status with ErrorInfo) and status. */
export function restError(error: unknown): Response {
  const status = restStatusFor(error);
  return Response.json(toRestErrorBody(error, status), {
    status,
    headers: { "content-type": A2A_CONTENT_TYPE },
  });
}

const answer = (json: unknown) => Response.json(json, { headers: { "content-type": A2A_CONTENT_TYPE } });

type Operation = (handler: A2ARequestHandler, call: ServerCallContext) => Promise<Response>;

/**
 * Runs one HTTP+JSON operation through the fleet's card or agent `agent`'s: checks
 * A2A-Version (1.0, or none), builds the request's handler, answers A2A errors in the
 * binding's shape.
 */
export async function answerRest(
  ctx: GatewayContext,
  context: Context,
  agent: string | undefined,
  operation: Operation,
): Promise<Response> {
  const header = context.req.header(A2A_VERSION_HEADER)?.trim() ?? "";
  if (header !== "" && !(restVersions as readonly string[]).includes(header)) {
    return restError(
      new VersionNotSupportedError(
        `A2A-Version '${header}' is not supported on HTTP+JSON; this server speaks ${restVersions.join(", ")} there (JSON-RPC also speaks 0.3)`,
      ),
    );
  }
  const handler = await handlerFor(ctx, context, agent);
  if (!handler) return unknownAgent(ctx, context, agent ?? "");
  try {
    return await operation(handler, new ServerCallContext({ requestedVersion: "1.0" }));
  } catch (error) {
    return restError(error);
  }
}

export async function sendMessage(context: Context, handler: A2ARequestHandler, call: ServerCallContext) {
  const request = await sendRequestOf(context);
  const task = await handler.sendMessage(request, call);
  const payload =
    "artifacts" in task
      ? { $case: "task" as const, value: task }
      : { $case: "message" as const, value: task };
  return answer(SendMessageResponse.toJSON({ payload }));
}

export async function streamMessage(context: Context, handler: A2ARequestHandler, call: ServerCallContext) {
  const request = await sendRequestOf(context);
  return streamOf(handler.sendMessageStream(request, call));
}

export function streamOf(events: AsyncGenerator<StreamResponse>): Promise<Response> {
  return sseAnswer(events, {
    data: (item) => StreamResponse.toJSON(item),
    early: restError,
    late: (error) =>
      `event: error\ndata: ${JSON.stringify(toRestErrorBody(error, restStatusFor(error)))}\n\n`,
  });
}

async function sendRequestOf(context: Context): Promise<SendMessageRequest> {
  const body = await readJsonBody(context.req.raw, {
    example: '{"message": {"messageId": "1", "role": "ROLE_USER", "parts": [{"text": "What is 2+2?"}]}}',
  });
  if (!body.ok) {
    const { error } = (await body.response.json()) as { error: string };
    throw new RequestMalformedError(error);
  }
  try {
    return SendMessageRequest.fromJSON(body.value);
  } catch (error) {
    throw new RequestMalformedError(`the body is not a SendMessageRequest: ${(error as Error).message}`);
  }
}

/** `GET /tasks/{id}`, `GET|POST /tasks/{id}:subscribe` and `POST /tasks/{id}:cancel`, by the path's last segment. */
export async function taskCall(
  context: Context,
  handler: A2ARequestHandler,
  call: ServerCallContext,
  method: "GET" | "POST",
): Promise<Response> {
  const segment = context.req.param("task") ?? "";
  const [id = "", verb] = segment.split(":");
  if (verb === "subscribe") {
    // POST /tasks/{id}:subscribe shares its route with :cancel, which lets in `write` too
    const refused = authorize(callerOf(context), "read", "SubscribeToTask (/tasks/{id}:subscribe)", {
      perUser: true,
    });
    if (refused) return refused;
    return streamOf(handler.resubscribe({ tenant: "", id }, call));
  }
  if (verb === "cancel" && method === "POST") {
    const refused = authorize(callerOf(context), "write", "CancelTask (POST /tasks/{id}:cancel)", {
      perUser: true,
    });
    if (refused) return refused;
    return answer(Task.toJSON(await handler.cancelTask({ tenant: "", id, metadata: undefined }, call)));
  }
  if (verb === undefined && method === "GET") {
    const historyLength = wholeNumberOf(context.req.query("historyLength"), "historyLength");
    const task = await handler.getTask(
      { tenant: "", id, ...(historyLength === undefined ? {} : { historyLength }) },
      call,
    );
    return answer(Task.toJSON(task));
  }
  throw new TaskNotFoundError(
    `no operation '${method} /tasks/${segment}': use GET /tasks/{id}, POST /tasks/{id}:cancel or GET|POST /tasks/{id}:subscribe`,
  );
}

/** `GET /extendedAgentCard`: the card as the caller's key sees it (UnsupportedOperation on a mesh without keys). */
export async function extendedCard(_context: Context, handler: A2ARequestHandler, call: ServerCallContext) {
  return answer(AgentCard.toJSON(await handler.getAuthenticatedExtendedAgentCard({ tenant: "" }, call)));
}

export async function listTasks(context: Context, handler: A2ARequestHandler, call: ServerCallContext) {
  const query = (name: string) => context.req.query(name);
  const status = query("status");
  const state = status ? taskStateFromJSON(Number.isNaN(Number(status)) ? status : Number(status)) : 0;
  if (state === TaskState.UNRECOGNIZED) {
    throw new RequestMalformedError(`status '${status}' is not a task state; e.g. TASK_STATE_WORKING`);
  }
  const pageSize = wholeNumberOf(query("pageSize"), "pageSize");
  const historyLength = wholeNumberOf(query("historyLength"), "historyLength");
  const request: ListTasksRequest = {
    tenant: "",
    contextId: query("contextId") ?? "",
    status: state,
    pageToken: query("pageToken") ?? "",
    statusTimestampAfter: query("statusTimestampAfter"),
    includeArtifacts: query("includeArtifacts") === "true",
    ...(pageSize === undefined ? {} : { pageSize }),
    ...(historyLength === undefined ? {} : { historyLength }),
  };
  return answer(ListTasksResponse.toJSON(await handler.listTasks(request, call)));
}

function wholeNumberOf(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === "") return undefined;
  if (!/^\d{1,6}$/.test(text)) throw new RequestMalformedError(`${name} must be a whole number, e.g. 10`);
  return Number(text);
}
