import type { Hono } from "hono";
import { cardPath } from "../a2a/card.ts";
import { cardFor, unknownAgent } from "../a2a/endpoint.ts";
import { answerJsonRpc } from "../a2a/json-rpc.ts";
import { answerRest, extendedCard, listTasks, sendMessage, streamMessage, taskCall } from "../a2a/rest.ts";
import { needs, needsOneOf, open } from "../access.ts";
import type { GatewayContext } from "../config.ts";
import { routeModule } from "../route-module.ts";

/**
 * A2A v1.0 (docs: README, "A2A"), the fleet at `/a2a` and each agent at `/a2a/agents/:name`:
 * - `POST /a2a` JSON-RPC: SendMessage, SendStreamingMessage (SSE), GetTask, ListTasks, CancelTask,
 *   SubscribeToTask (SSE); v0.3's message/send, message/stream, tasks/get, tasks/cancel,
 *   tasks/resubscribe when A2A-Version is 0.3 or empty.
 * - HTTP+JSON under `/a2a/v1`: `POST /message:send`, `POST /message:stream`, `GET /tasks`,
 *   `GET /tasks/{id}`, `POST /tasks/{id}:cancel`, `GET|POST /tasks/{id}:subscribe`, `GET /extendedAgentCard`
 *   (JSON-RPC: GetExtendedAgentCard; v0.3 agent/getAuthenticatedExtendedCard), the card as the key sees it.
 * - `GET /a2a/agents/:name/.well-known/agent-card.json`: an agent's card, open like the fleet's.
 * Reading needs `read`; sending and canceling `write`: a key with `write` alone can send
 * and cancel, one with `read` alone can look (checked per method on JSON-RPC and on
 * `POST /tasks/{id}:…`, whose routes let either in).
 */
export const a2aRoutes = routeModule("/a2a", (app, ctx) => {
  app.get(`/agents/:name${cardPath}`, open(), async (context) => {
    const name = context.req.param("name");
    const found = await cardFor(ctx, context, name);
    return found ? context.json(found.card) : unknownAgent(ctx, context, name);
  });
  app.post("/", needsOneOf(["read", "write"], { perUser: true }), (context) => answerJsonRpc(ctx, context));
  app.post("/agents/:name", needsOneOf(["read", "write"], { perUser: true }), (context) =>
    answerJsonRpc(ctx, context, context.req.param("name")),
  );
  restRoutes(app, ctx, "/v1", () => undefined);
  restRoutes(app, ctx, "/agents/:name/v1", (name) => name);
});

function restRoutes(
  app: Hono,
  ctx: GatewayContext,
  base: string,
  agentOf: (name: string | undefined) => string | undefined,
) {
  const agent = (context: { req: { param: (name: string) => string | undefined } }) =>
    agentOf(context.req.param("name"));
  app.post(`${base}/message:send`, needs("write", { perUser: true }), (context) =>
    answerRest(ctx, context, agent(context), (handler, call) => sendMessage(context, handler, call)),
  );
  app.post(`${base}/message:stream`, needs("write", { perUser: true }), (context) =>
    answerRest(ctx, context, agent(context), (handler, call) => streamMessage(context, handler, call)),
  );
  app.get(`${base}/extendedAgentCard`, needs("read", { perUser: true }), (context) =>
    answerRest(ctx, context, agent(context), (handler, call) => extendedCard(context, handler, call)),
  );
  app.get(`${base}/tasks`, needs("read", { perUser: true }), (context) =>
    answerRest(ctx, context, agent(context), (handler, call) => listTasks(context, handler, call)),
  );
  app.get(`${base}/tasks/:task`, needs("read", { perUser: true }), (context) =>
    answerRest(ctx, context, agent(context), (handler, call) => taskCall(context, handler, call, "GET")),
  );
  app.post(`${base}/tasks/:task`, needsOneOf(["read", "write"], { perUser: true }), (context) =>
    answerRest(ctx, context, agent(context), (handler, call) => taskCall(context, handler, call, "POST")),
  );
}
