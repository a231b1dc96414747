import { approvalContext, approvalDecisions } from "@mesh-six/events";
import { TaskFailure } from "@mesh-six/shared/run/errors";
import type { RunFunction } from "@mesh-six/shared/run/types";
import { z } from "zod";

const timing = {
  /** How long the person has (ISO-8601, e.g. PT4H); default one day. */
  timeout: z.string().min(2).max(40).optional(),
};

const approvalPayload = z.object({
  ...timing,
  /** The decision taken at the deadline; default rejected. */
  default: z.enum(approvalDecisions).optional(),
});

/**
 * `human-approval` → `step.approval` with the payload as what the person is shown;
 * `human-input` → `step.input` with the question. A payload that shows nothing to decide
 * fails at once as invalid input.
 */
export const askPerson: RunFunction = async (input, step, ctx) => {
  const shown = approvalContext.safeParse(
    pick(input, ["action", "question", "reason", "risks", "impact", "suggestedDecision", "details"]),
  );
  if (!shown.success) throw new TaskFailure("invalid_input", `payload: ${z.prettifyError(shown.error)}`);
  const timing = approvalPayload.safeParse(pick(input, ["timeout", "default"]));
  if (!timing.success) throw new TaskFailure("invalid_input", `payload: ${z.prettifyError(timing.error)}`);
  const { timeout, default: fallback } = timing.data;
  if (ctx.task?.capability === "human-input") {
    if (!shown.data.question) {
      throw new TaskFailure(
        "invalid_input",
        'payload.question is missing: send {"question": "…"} to ask a person',
      );
    }
    return step.input("answer", shown.data, timeout ? { timeout } : {});
  }
  return step.approval("decision", shown.data, {
    ...(timeout ? { timeout } : {}),
    ...(fallback ? { default: fallback } : {}),
  });
};

function pick(input: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => input[key] !== undefined).map((key) => [key, input[key]]));
}
