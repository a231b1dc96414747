import type { Message } from "@a2a-js/sdk";
import { RequestMalformedError, UnsupportedOperationError } from "@a2a-js/sdk/errors";
import { ApprovalDecided } from "@mesh-six/events";
import { authorize, type Caller } from "@mesh-six/shared/auth/authenticate";
import { errorMessage } from "@mesh-six/shared/errors";
import { type ApprovalRecord, decideApproval } from "@mesh-six/shared/run/approvals";
import { deriveEventId } from "@mesh-six/shared/runtime/ids";
import type { GatewayContext } from "../config.ts";
import { answerOf, decisionOf } from "./message.ts";

/**
 * The caller's next message on a task whose run waits: the answer to its question
 * (input required), or the decision on its approval (auth required; the key needs the
 * `approve` scope, as POST /approvals/:id/decision does). Decided as that route decides,
 * then the run is woken with approval.decided (the sweep wakes it should that publish fail).
 */
export async function resumeWithMessage(
  ctx: GatewayContext,
  caller: Caller,
  waiting: ApprovalRecord,
  message: Message,
): Promise<void> {
  if (waiting.kind === "approval") {
    const refused = authorize(caller, "approve", "deciding an approval through A2A", { perUser: true });
    if (refused) {
      const { error } = (await refused.json()) as { error: string };
      throw new UnsupportedOperationError(error);
    }
  }
  const parsed = waiting.kind === "input" ? answerOf(message) : decisionOf(message);
  if (!parsed.ok) throw new RequestMalformedError(parsed.problem);
  const decision = typeof parsed.value === "string" ? { answer: parsed.value } : parsed.value;
  const eventId = deriveEventId("gateway", "decision", waiting.id);
  const outcome = await decideApproval(ctx.db, waiting.id, {
    ...decision,
    decidedBy: `API key ${caller.name} (A2A)`,
    decidedVia: "api",
    eventId,
    at: ctx.clock.now(),
  });
  if (outcome.type === "unknown" || outcome.type === "already") {
    throw new UnsupportedOperationError(
      `the run stopped waiting (approval ${waiting.id} is ${outcome.type === "already" ? outcome.approval.status : "gone"}) while this message was on its way; GetTask shows where it is now`,
    );
  }
  if (outcome.type === "invalid") throw new RequestMalformedError(outcome.message);
  const { approval } = outcome;
  const decided = ApprovalDecided.create({
    source: "/mesh-six/gateway/a2a",
    id: eventId,
    subject: approval.runId,
    data: {
      approvalId: approval.id,
      ...(approval.decision ? { decision: approval.decision } : {}),
      ...(approval.answer === undefined ? {} : { answer: approval.answer }),
      ...(approval.reason === undefined ? {} : { reason: approval.reason }),
      decidedBy: approval.decidedBy ?? "a2a",
    },
  });
  try {
    await ctx.publish(decided);
  } catch (error) {
    ctx.logger.warn("could not publish the A2A decision; the sweep resumes the run", {
      approvalId: approval.id,
      error: errorMessage(error),
    });
  }
}
