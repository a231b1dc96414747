import { ApprovalDecided, approvalDecisions } from "@mesh-six/events";
import { errorMessage } from "@mesh-six/shared/errors";
import { decideApproval, listApprovals, readApproval } from "@mesh-six/shared/run/approvals";
import { approvalView } from "@mesh-six/shared/run/read";
import { deriveEventId } from "@mesh-six/shared/runtime/ids";
import type { Context } from "hono";
import { z } from "zod";
import { callerOf, needs, userOf } from "../access.ts";
import { parseQuery, wholeNumber } from "../query.ts";
import { routeModule } from "../route-module.ts";

const listQuery = z.strictObject({
  status: z.enum(["pending", "approved", "rejected", "answered", "expired", "cancelled"]).optional(),
  runId: z.string().min(1).max(200).optional(),
  limit: wholeNumber(1, 500).optional(),
});

const decisionBody = z.strictObject({
  decision: z.enum(approvalDecisions, { error: "must be approved or rejected" }).optional(),
  answer: z.string().min(1).max(20_000).optional(),
  reason: z.string().max(4000).optional(),
});

/**
 * Approvals and questions a run put to a person:
 * - `GET /approvals?status=pending&runId=&limit=` → `{ approvals }`, newest first.
 * - `GET /approvals/:id` → `{ approval }`: what the person is shown, the deadline and default, the decision.
 * - `POST /approvals/:id/decision` `{decision: "approved"|"rejected", reason?}` (or `{answer, reason?}` for a
 *   question) → `{ approval }`, and the run resumes. Only the first decision counts: a second gets 409.
 */
export const approvalRoutes = routeModule("/approvals", (app, ctx) => {
  app.get("/", needs("read", { perUser: true }), async (context) => {
    const query = parseQuery(context, listQuery);
    if (!query.ok) return query.response;
    const { status, runId, limit } = query.data;
    const user = userOf(context);
    const approvals = await listApprovals(ctx.db, {
      ...(user === undefined ? {} : { userId: user }),
      ...(status ? { status } : {}),
      ...(runId ? { runId } : {}),
      ...(limit ? { limit } : {}),
    });
    return context.json({ approvals: approvals.map(approvalView) });
  });

  app.get("/:id", needs("read", { perUser: true }), async (context) => {
    const id = context.req.param("id");
    const approval = await readApproval(ctx.db, id);
    const user = userOf(context);
    return approval && (user === undefined || approval.userId === user)
      ? context.json({ approval: approvalView(approval) })
      : notFound(context, id);
  });

  app.post("/:id/decision", needs("approve", { perUser: true }), async (context) => {
    const id = context.req.param("id");
    const user = userOf(context);
    if (user !== undefined && (await readApproval(ctx.db, id))?.userId !== user) return notFound(context, id);
    const body = await readJson(context);
    if (!body.ok) return body.response;
    const parsed = decisionBody.safeParse(body.value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.code === "unrecognized_keys" ? issue.keys[0] : issue.path.join(".") || "body";
      const message =
        issue.code === "unrecognized_keys"
          ? `unknown field '${field}'; accepted: decision, answer, reason`
          : `invalid field '${field}': ${issue.message}`;
      return context.json({ error: message, field }, 400);
    }
    const eventId = deriveEventId("gateway", "decision", id);
    const outcome = await decideApproval(ctx.db, id, {
      ...parsed.data,
      decidedBy: `API key ${callerOf(context).name}`,
      decidedVia: "api",
      eventId,
      at: ctx.clock.now(),
    });
    if (outcome.type === "unknown") return notFound(context, id);
    if (outcome.type === "invalid") return context.json({ error: outcome.message, field: "decision" }, 400);
    if (outcome.type === "already") {
      const { approval } = outcome;
      return context.json(
        {
          error: `approval ${id} is ${approval.status} already (by ${approval.decidedBy ?? "nobody"}); only the first decision counts`,
          approval: approvalView(approval),
        },
        409,
      );
    }
    const { approval } = outcome;
    const decided = ApprovalDecided.create({
      source: "/mesh-six/gateway",
      id: eventId,
      subject: approval.runId,
      data: {
        approvalId: id,
        ...(approval.decision ? { decision: approval.decision } : {}),
        ...(approval.answer === undefined ? {} : { answer: approval.answer }),
        ...(approval.reason === undefined ? {} : { reason: approval.reason }),
        decidedBy: approval.decidedBy ?? "api",
      },
    });
    try {
      await ctx.publish(decided);
    } catch (error) {
      // the decision is recorded: the orchestrator's sweep resumes the run within a minute
      ctx.logger.warn("could not publish the decision; the sweep resumes the run", {
        approvalId: id,
        error: errorMessage(error),
      });
    }
    return context.json({ approval: approvalView(approval) });
  });
});

async function readJson(
  context: Context,
): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const text = await context.req.text();
  try {
    return { ok: true, value: text.trim() === "" ? {} : JSON.parse(text) };
  } catch {
    return {
      ok: false,
      response: context.json(
        { error: 'the body must be JSON, e.g. {"decision": "approved", "reason": "looks safe"}' },
        400,
      ),
    };
  }
}

function notFound(context: Context, id: string): Response {
  return context.json({ error: `no approval '${id}'; list them with GET /approvals?status=pending` }, 404);
}
