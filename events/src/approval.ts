import { z } from "zod";
import { defineEvent } from "./define.ts";

const id = z.string().min(1).max(200);
export const approvalDecisions = ["approved", "rejected"] as const;
export type ApprovalDecision = (typeof approvalDecisions)[number];

/** What a person is shown when asked to decide; every field optional but `action` or `question`. */
export const approvalContext = z
  .object({
    action: z.string().max(2000).optional(),
    question: z.string().max(4000).optional(),
    reason: z.string().max(4000).optional(),
    risks: z.array(z.string().max(2000)).max(50).optional(),
    impact: z.string().max(4000).optional(),
    suggestedDecision: z.enum(approvalDecisions).optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((context) => context.action !== undefined || context.question !== undefined, {
    message: "say what is to be decided: give an action (approvals) or a question (input)",
  });
export type ApprovalContext = z.input<typeof approvalContext>;

export const ApprovalRequested = defineEvent("dev.meshsix.approval.requested", {
  description:
    "A run waits for a person: an approval (approve or reject) or an answer. Decide with POST /approvals/:id/decision, mesh approvals, or a dev.meshsix.approval.decided event.",
  terminal: true,
  schema: z.object({
    approvalId: id,
    kind: z.enum(["approval", "input"]),
    runId: id,
    functionName: z.string(),
    taskId: id.optional(),
    context: approvalContext,
    deadline: z.string().optional().describe("ISO-8601 time at which the default decision is taken"),
    defaultDecision: z.enum(approvalDecisions).optional(),
  }),
});

export const ApprovalDecided = defineEvent("dev.meshsix.approval.decided", {
  fromOutside: true,
  description:
    "A person decided: approved or rejected (approvals), or answered (input). Outside senders may publish it (kn event send); only the first decision of an approval counts.",
  schema: z
    .object({
      approvalId: id,
      decision: z.enum(approvalDecisions).optional(),
      answer: z.string().max(20_000).optional(),
      reason: z.string().max(4000).optional(),
      decidedBy: z.string().max(200).optional(),
    })
    .refine((decision) => decision.decision !== undefined || decision.answer !== undefined, {
      message: "give decision=approved|rejected (an approval) or answer=… (an input request)",
    }),
});
