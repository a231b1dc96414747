import { describe, expect, it } from "vitest";
import { a2aStateOf } from "./state.ts";

const attempt = { agentId: "asker", attempt: 1, reason: "score" as const, dispatchedAt: "", deadline: "" };

describe("a mesh task's state as A2A's", () => {
  it.each([
    [{ task: { status: "requested" as const, attempts: [] }, canceled: false }, "TASK_STATE_SUBMITTED"],
    [{ canceled: false }, "TASK_STATE_SUBMITTED"],
    [{ task: { status: "dispatched" as const, attempts: [attempt] }, canceled: false }, "TASK_STATE_WORKING"],
    [
      {
        task: { status: "dispatched" as const, attempts: [attempt] },
        waitingFor: "input" as const,
        canceled: false,
      },
      "TASK_STATE_INPUT_REQUIRED",
    ],
    [
      {
        task: { status: "dispatched" as const, attempts: [attempt] },
        waitingFor: "approval" as const,
        canceled: false,
      },
      "TASK_STATE_AUTH_REQUIRED",
    ],
    [
      { task: { status: "succeeded" as const, attempts: [attempt] }, canceled: false },
      "TASK_STATE_COMPLETED",
    ],
    [{ task: { status: "dispatched" as const, attempts: [attempt] }, canceled: true }, "TASK_STATE_CANCELED"],
  ])("%j is %s", (side, state) => {
    expect(a2aStateOf(side)).toBe(state);
  });

  it("tells a failure apart: cancelled run, nobody to take it, refused input, anything else", () => {
    const failed = (type: "cancelled" | "no_agent" | "invalid_input" | "timeout", attempts = [attempt]) =>
      a2aStateOf({
        task: { status: "failed", attempts, error: { type, message: "…", retryable: false } },
        canceled: false,
      });
    expect(failed("cancelled")).toBe("TASK_STATE_CANCELED");
    expect(failed("no_agent", [])).toBe("TASK_STATE_REJECTED");
    expect(failed("no_agent")).toBe("TASK_STATE_FAILED");
    expect(failed("invalid_input")).toBe("TASK_STATE_REJECTED");
    expect(failed("timeout")).toBe("TASK_STATE_FAILED");
  });

  it("keeps a canceled task canceled even if its run finished meanwhile", () => {
    expect(a2aStateOf({ task: { status: "succeeded", attempts: [attempt] }, canceled: true })).toBe(
      "TASK_STATE_CANCELED",
    );
  });
});
