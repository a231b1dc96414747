import { errorMessage } from "@mesh-six/shared/errors";
import { readJsonBody } from "@mesh-six/shared/http/json-body";
import { createHttpOutbox } from "@mesh-six/shared/runtime/http-outbox";
import { needs, userOf } from "../access.ts";
import { gatewayName } from "../name.ts";
import { answerText, completion, completionHeader, taskUsage } from "../openai/completion.ts";
import { inOpenAiShape, openAiError } from "../openai/errors.ts";
import { chatFailure, stillRunning } from "../openai/failure.ts";
import { newestEventId } from "../openai/live-text.ts";
import { fleetModel, resolveModel } from "../openai/models.ts";
import { parseChatRequest } from "../openai/request.ts";
import { streamChat } from "../openai/stream.ts";
import { chatWaitSeconds, finishedTask } from "../openai/wait.ts";
import { routeModule } from "../route-module.ts";
import { recordTaskRequest, taskRequest, taskRequestedEvent } from "../task-request.ts";
import { ownedBy } from "./task-owner.ts";

const example = '{"model": "mesh-six", "messages": [{"role": "user", "content": "What is 2+2?"}]}';

/**
 * `POST /v1/chat/completions`, OpenAI-compatible: the messages become a task's payload
 * (`{query: <the last user message>, messages}`), requested exactly as `POST /tasks` does
 * and routed by score to the capability the model names (openai/models.ts); the answer is
 * the task's result, the usage its `llm_usage`. With `stream: true` the agent's text goes
 * out as it writes it (openai/stream.ts). Errors are in OpenAI's shape (openai/errors.ts).
 */
export const chatRoutes = routeModule("/v1/chat", (app, ctx) => {
  const outbox = createHttpOutbox({ ...ctx, functionName: gatewayName });
  app.post("/completions", needs("write", { perUser: true }), async (context) => {
    const body = await readJsonBody(context.req.raw, { example });
    if (!body.ok) return inOpenAiShape(body.response);
    const parsed = parseChatRequest(body.value);
    if (!parsed.ok) return openAiError(400, parsed.message, { param: parsed.param });
    const { request, messages } = parsed;
    const question = messages.at(-1)!.content;
    const resolved = await resolveModel(ctx.db, request.model, question);
    if (!resolved) {
      return openAiError(
        404,
        `The model '${request.model}' does not exist: use ${fleetModel}, ${fleetModel}/<capability> or an agent's name (GET /v1/models lists them)`,
        { param: "model", code: "model_not_found" },
      );
    }
    const user = request.user;
    const owned = ownedBy(userOf(context), {
      ...(user ? { requestedBy: user } : {}),
      payload: {
        query: resolved.question,
        messages: [...messages.slice(0, -1), { role: "user", content: resolved.question }],
        ...(user ? { userId: user } : {}),
        // a text agent publishes its answer as it writes it (task.progress) for a stream
        ...(request.stream ? { stream: true } : {}),
      },
    });
    if (!owned.ok)
      return openAiError(403, owned.refusal.error, { param: user ? "user" : owned.refusal.field });
    const taskId = crypto.randomUUID();
    const now = ctx.clock.now();
    const { capability, agent } = resolved.target;
    const data = taskRequest(taskId, { capability, ...(agent ? { agent } : {}), ...owned.request });
    // a stream reads the task's task.progress events after this cursor, taken before the
    // task exists so none is missed; a whole answer reads only the task
    let cursor = 0;
    try {
      if (request.stream) cursor = await newestEventId(ctx.db);
      await outbox.commit(taskId, async (tx) => {
        await recordTaskRequest(tx, data, now);
        return { value: undefined, events: [taskRequestedEvent(data, now)] };
      });
    } catch (error) {
      ctx.logger.error("could not record the chat's task", { taskId, error: errorMessage(error) });
      return openAiError(503, "the database could not store the task; try again shortly", {
        type: "server_error",
        code: "unavailable",
      });
    }
    const header = completionHeader(taskId, now, request.model);
    const watch = {
      db: ctx.db,
      clock: ctx.clock,
      taskId,
      until: now + chatWaitSeconds * 1000,
      signal: context.req.raw.signal,
    };
    if (request.stream) {
      const includeUsage = request.stream_options?.include_usage === true;
      return streamChat(context, { ...watch, header, cursor, includeUsage });
    }
    const task = await finishedTask(watch);
    const failure = !task
      ? stillRunning(taskId, chatWaitSeconds)
      : task.status === "failed"
        ? chatFailure(taskId, task.error)
        : undefined;
    if (failure) return Response.json(failure.body, { status: failure.status });
    return context.json(completion(header, answerText(task!.result), await taskUsage(ctx.db, taskId)));
  });
});
