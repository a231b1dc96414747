import { errorMessage } from "@mesh-six/shared/errors";
import type { HttpContext } from "@mesh-six/shared/function/define";
import { readJsonBody } from "@mesh-six/shared/http/json-body";
import { claimTaskKey, type FirstRequest } from "@mesh-six/shared/registry/task-keys";
import { readTask, recentTasks, type TaskRecord } from "@mesh-six/shared/registry/tasks";
import { listRuns } from "@mesh-six/shared/run/read";
import { createHttpOutbox } from "@mesh-six/shared/runtime/http-outbox";
import { z } from "zod";
import { callerOf, needs, userOf } from "../access.ts";
import { idempotencyHeader, readIdempotencyKey, requestFingerprint } from "../idempotency-key.ts";
import { gatewayName } from "../name.ts";
import { parseQuery, wholeNumber } from "../query.ts";
import { routeModule } from "../route-module.ts";
import { recordTaskRequest, taskRequest, taskRequestedEvent } from "../task-request.ts";
import { ownedBy } from "./task-owner.ts";

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
 *   is recorded as `requested` (so GET finds it at once) in the transaction that stores its
 *   `task.requested` in the outbox, then the event is published, exactly as one sent to the broker
 *   would be; the orchestrator takes the record over when it arrives. With an `Idempotency-Key`
 *   header, a retry (same key, same body) gets the first answer again (`Idempotent-Replayed: true`),
 *   and the same key with another body 422.
 * - `GET /tasks/:id?wait=N` → the task (status, result or error, attempts); with `wait` it answers as soon
 *   as the task has finished, or after N seconds (at most 60) with what there is. A task sent straight to
 *   the broker as task.requested is not recorded until the orchestrator has it: until then GET answers
 *   404, and `?wait=N` waits for it to appear.
 * - `GET /tasks?limit=N` → the newest tasks.
 */
export const taskRoutes = routeModule("/tasks", (app, ctx) => {
  const outbox = createHttpOutbox({ ...ctx, functionName: gatewayName });
  app.post("/", needs("write", { perUser: true }), async (context) => {
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
    const owned = ownedBy(userOf(context), parsed.data);
    if (!owned.ok) return context.json(owned.refusal, 403);
    const idempotency = readIdempotencyKey(context.req.header(idempotencyHeader));
    if (!idempotency.ok) return context.json({ error: idempotency.error, header: idempotencyHeader }, 400);
    const caller = callerOf(context).name;
    const taskId = crypto.randomUUID();
    const now = ctx.clock.now();
    const data = taskRequest(taskId, owned.request);
    const event = taskRequestedEvent(data, now);
    const { taskId: _, ...asked } = data;
    const fingerprint = requestFingerprint(asked);
    let first: FirstRequest | undefined;
    try {
      // the task and its task.requested commit together: a crash before the publish
      // leaves the event in the outbox, and the sweep publishes it
      ({ value: first } = await outbox.commit(taskId, async (tx) => {
        const key = idempotency.key;
        // keys are per API key: two clients cannot collide on (or probe) each other's
        const taken = key
          ? await claimTaskKey(tx, { key, fingerprint, taskId, now, scope: caller })
          : undefined;
        if (taken) return { value: taken, events: [] };
        await recordTaskRequest(tx, data, now);
        return { value: undefined, events: [event] };
      }));
    } catch (error) {
      ctx.logger.error("could not record the task", { taskId, error: errorMessage(error) });
      return context.json({ error: "the database could not store the task; try again shortly" }, 503);
    }
    if (!first) return context.json(accepted(taskId), 202);
    if (first.fingerprint !== fingerprint) {
      return context.json(
        {
          error: `${idempotencyHeader} '${idempotency.key}' was used ${new Date(first.createdAt).toISOString()} for another request (task ${first.taskId}); send that request's body to get its task again, or use a new key for a new task`,
          header: idempotencyHeader,
          taskId: first.taskId,
        },
        422,
      );
    }
    // a retry: the first answer again, and what a broker outage left of it goes out now
    await outbox.flush(first.taskId);
    return context.json(accepted(first.taskId), 202, { "Idempotent-Replayed": "true" });
  });

  app.get("/", needs("read", { perUser: true }), async (context) => {
    const query = parseQuery(context, listQuery);
    if (!query.ok) return query.response;
    const user = userOf(context);
    const tasks = await recentTasks(
      ctx.db,
      query.data.limit ?? 20,
      user === undefined ? {} : { requestedBy: user },
    );
    return context.json({ tasks: tasks.map(view) });
  });

  app.get("/:id", needs("read", { perUser: true }), async (context) => {
    const query = parseQuery(context, taskQuery);
    if (!query.ok) return query.response;
    const id = context.req.param("id");
    const user = userOf(context);
    const until = ctx.clock.now() + (query.data.wait ?? 0) * 1000;
    const signal = context.req.raw.signal;
    for (;;) {
      const read = await readTask(ctx.db, id);
      // another user's task is, to a key bound to a user, a task that is not there
      const task = user === undefined || read?.requestedBy === user ? read : undefined;
      if (task && (task.status === "succeeded" || task.status === "failed")) {
        return context.json({ ...view(task), ...(await runsOf(ctx, task)) });
      }
      if (ctx.clock.now() >= until || signal.aborted) {
        if (task) return context.json({ ...view(task), ...(await runsOf(ctx, task)) });
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
});

/** The durable runs that carried out a task's attempts: `runId` of the current one, and all of them. */
async function runsOf(ctx: HttpContext, task: TaskRecord) {
  const runs = await listRuns(ctx.db, { taskId: task.id, limit: 20 });
  if (runs.length === 0) return {};
  const current = runs.find((run) => run.attempt === task.attempt) ?? runs[0]!;
  return {
    runId: current.id,
    runs: runs.map((run) => ({
      runId: run.id,
      attempt: run.attempt,
      agentId: run.functionName,
      status: run.status,
    })),
  };
}

/** The answer to an accepted POST /tasks, the same for its retries. */
function accepted(taskId: string) {
  return { taskId, status: "requested", url: `/tasks/${taskId}` } as const;
}

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
