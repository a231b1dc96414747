import { TaskRequested } from "@mesh-six/events";
import { errorMessage } from "@mesh-six/shared/errors";
import type { HttpContext } from "@mesh-six/shared/function/define";
import { readJsonBody } from "@mesh-six/shared/http/json-body";
import {
  forgetRequestedTask,
  readTask,
  recentTasks,
  recordRequestedTask,
  type TaskRecord,
} from "@mesh-six/shared/registry/tasks";
import type { Hono } from "hono";
import { z } from "zod";
import type { RouteModule } from "../app.ts";
import { parseQuery, wholeNumber } from "../query.ts";

/** How often a long-poll looks at the task again, and the longest wait it accepts. */
export const taskPollMs = 100;
export const maxWaitSeconds = 60;

const newTask = z.strictObject({
  capability: z.string().min(1, "must name a capability, e.g. general-query").max(100),
  payload: z
    .record(z.string(), z.unknown(), { error: 'must be a JSON object, e.g. {"query": "…"}' })
    .default({}),
  priority: z.number().int().min(0).max(10).optional(),
  timeout: z.number().int().positive().max(86_400).optional(),
  requestedBy: z.string().max(200).optional(),
});

const taskQuery = z.strictObject({ wait: wholeNumber(0, maxWaitSeconds).optional() });
const listQuery = z.strictObject({ limit: wholeNumber(1, 200).optional() });

/**
 * The task API:
 * - `POST /tasks` `{capability, payload, priority?, timeout?, requestedBy?}` → `202 {taskId}`; the task
 *   is recorded as `requested` (so GET finds it at once), then starts as a `task.requested` event,
 *   exactly as one sent to the broker would; the orchestrator takes the record over when it arrives.
 * - `GET /tasks/:id?wait=N` → the task (status, result or error, attempts); with `wait` it answers as soon
 *   as the task has finished, or after N seconds (at most 60) with what there is. A task sent straight to
 *   the broker as task.requested is not recorded until the orchestrator has it: until then GET answers
 *   404, and `?wait=N` waits for it to appear.
 * - `GET /tasks?limit=N` → the newest tasks.
 */
export const taskRoutes: RouteModule = (app: Hono, ctx: HttpContext) => {
  app.post("/tasks", async (context) => {
    const body = await readJsonBody(context.req.raw, {
      example: '{"capability": "general-query", "payload": {"query": "What is 2+2?"}}',
    });
    if (!body.ok) return body.response;
    const parsed = newTask.safeParse(body.value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.code === "unrecognized_keys" ? issue.keys[0] : issue.path.join(".") || "body";
      const message =
        issue.code === "unrecognized_keys"
          ? `unknown field '${field}'; accepted: ${Object.keys(newTask.shape).join(", ")}`
          : `invalid field '${field}': ${issue.message}`;
      return context.json({ error: message, field }, 400);
    }
    const taskId = crypto.randomUUID();
    const now = ctx.clock.now();
    // the request with the event's defaults (priority 5, timeout 120) filled in
    const data = TaskRequested.schema.parse({ taskId, ...parsed.data });
    const event = TaskRequested.create({
      source: "/mesh-six/gateway",
      id: taskId,
      subject: taskId,
      time: new Date(now).toISOString(),
      data,
    });
    try {
      await recordRequestedTask(ctx.db, {
        id: taskId,
        capability: data.capability,
        payload: data.payload,
        priority: data.priority,
        timeoutSeconds: data.timeout,
        ...(data.requestedBy ? { requestedBy: data.requestedBy } : {}),
        at: now,
      });
    } catch (error) {
      ctx.logger.error("could not record the task", { taskId, error: errorMessage(error) });
      return context.json({ error: "the database could not store the task; try again shortly" }, 503);
    }
    try {
      await ctx.publish(event);
    } catch (error) {
      ctx.logger.error("could not publish task.requested", { taskId, error: errorMessage(error) });
      await forgetRequestedTask(ctx.db, taskId).catch(() => {});
      return context.json({ error: "the broker could not store the task; try again shortly" }, 503);
    }
    return context.json({ taskId, status: "requested", url: `/tasks/${taskId}` }, 202);
  });

  app.get("/tasks", async (context) => {
    const query = parseQuery(context, listQuery);
    if (!query.ok) return query.response;
    const tasks = await recentTasks(ctx.db, query.data.limit ?? 20);
    return context.json({ tasks: tasks.map(view) });
  });

  app.get("/tasks/:id", async (context) => {
    const query = parseQuery(context, taskQuery);
    if (!query.ok) return query.response;
    const id = context.req.param("id");
    const until = ctx.clock.now() + (query.data.wait ?? 0) * 1000;
    const signal = context.req.raw.signal;
    for (;;) {
      const task = await readTask(ctx.db, id);
      if (task && (task.status === "succeeded" || task.status === "failed")) return context.json(view(task));
      if (ctx.clock.now() >= until || signal.aborted) {
        if (task) return context.json(view(task));
        return context.json(
          {
            error: `no task '${id}' (yet): POST /tasks records a task at once, but one sent to the broker as task.requested appears when the orchestrator has received it; ask again with ?wait=N to wait for it.`,
          },
          404,
        );
      }
      await ctx.clock.sleep(Math.min(taskPollMs, until - ctx.clock.now()), signal).catch(() => {});
    }
  });
};

/** A task as the API shows it. */
export function view(task: TaskRecord) {
  return {
    id: task.id,
    capability: task.capability,
    status: task.status,
    ...(task.result === undefined ? {} : { result: task.result }),
    ...(task.error ? { error: task.error } : {}),
    agentId: task.agentId ?? null,
    attempts: task.attempts,
    priority: task.priority,
    timeout: task.timeoutSeconds,
    payload: task.payload,
    ...(task.requestedBy ? { requestedBy: task.requestedBy } : {}),
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
    ...(task.finishedAt ? { finishedAt: task.finishedAt } : {}),
  };
}
