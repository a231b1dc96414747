import { RunContinued } from "@mesh-six/events";
import { errorMessage } from "@mesh-six/shared/errors";
import { listRuns, requestCancel, runDetail, runSummary } from "@mesh-six/shared/run/read";
import { readRun } from "@mesh-six/shared/run/store";
import type { Context } from "hono";
import { z } from "zod";
import { callerOf, needs, userOf } from "../access.ts";
import { parseQuery, wholeNumber } from "../query.ts";
import { routeModule } from "../route-module.ts";

const listQuery = z.strictObject({
  status: z.enum(["running", "waiting", "succeeded", "failed", "cancelled"]).optional(),
  function: z.string().min(1).max(63).optional(),
  taskId: z.string().min(1).max(200).optional(),
  limit: wholeNumber(1, 500).optional(),
});

/**
 * Durable runs:
 * - `GET /runs?status=&function=&taskId=&limit=` → `{ runs }`, newest first.
 * - `GET /runs/:id` → the run: input, every step (start, end, attempts, tokens, outcome), pending waits,
 *   approvals, output or error.
 * - `POST /runs/:id/cancel` → `202 { run }`: the cancel is recorded and the run's next hop carries it out
 *   (its task fails as `cancelled`); 409 for a run that has finished.
 */
export const runRoutes = routeModule("/runs", (app, ctx) => {
  app.get("/", needs("read", { perUser: true }), async (context) => {
    const query = parseQuery(context, listQuery);
    if (!query.ok) return query.response;
    const { status, function: functionName, taskId, limit } = query.data;
    const user = userOf(context);
    const runs = await listRuns(ctx.db, {
      ...(user === undefined ? {} : { userId: user }),
      ...(status ? { status } : {}),
      ...(functionName ? { functionName } : {}),
      ...(taskId ? { taskId } : {}),
      ...(limit ? { limit } : {}),
    });
    return context.json({ runs: runs.map(runSummary) });
  });

  app.get("/:id", needs("read", { perUser: true }), async (context) => {
    const id = context.req.param("id");
    const run = await runDetail(ctx.db, id);
    // another user's run is, to a key bound to a user, a run that is not there
    const user = userOf(context);
    return run && (user === undefined || run.userId === user) ? context.json(run) : notFound(context, id);
  });

  app.post("/:id/cancel", needs("write", { perUser: true }), async (context) => {
    const id = context.req.param("id");
    const user = userOf(context);
    if (user !== undefined) {
      const run = await readRun(ctx.db, id);
      if (run?.userId !== user) return notFound(context, id);
    }
    const outcome = await requestCancel(ctx.db, id, `API key ${callerOf(context).name}`, ctx.clock.now());
    if (outcome.type === "unknown") return notFound(context, id);
    if (outcome.type === "finished") {
      return context.json(
        {
          error: `run ${id} has ${outcome.run.status} already; only a running or waiting run can be cancelled`,
        },
        409,
      );
    }
    const wake = RunContinued.create({
      source: "/mesh-six/gateway",
      id: `cancel-${id}`,
      subject: id,
      data: { runId: id, reason: "cancel" },
      extensions: { meshfunction: outcome.run.functionName },
    });
    try {
      await ctx.publish(wake);
    } catch (error) {
      // recorded: the orchestrator's sweep wakes the run within a minute
      ctx.logger.warn("could not publish the cancel's wake-up; the sweep carries it out", {
        runId: id,
        error: errorMessage(error),
      });
    }
    return context.json({ run: { ...runSummary(outcome.run), status: "cancelling" } }, 202);
  });
});

function notFound(context: Context, id: string): Response {
  return context.json({ error: `no run '${id}'; list them with GET /runs` }, 404);
}
