import type { TaskAttemptRecord } from "@mesh-six/shared/registry/tasks";
import { describe, expect, it } from "vitest";
import { attemptsFailedError } from "./finish.ts";

const attempt = (number: number, agentId: string, error?: TaskAttemptRecord["error"]): TaskAttemptRecord => ({
  agentId,
  attempt: number,
  reason: "score",
  dispatchedAt: "2026-01-01T00:00:00.000Z",
  deadline: "2026-01-01T00:02:00.000Z",
  success: false,
  ...(error ? { error } : {}),
});

describe("the error of a task whose attempts all failed", () => {
  it("is the last attempt's error, saying how many failed and why nobody was left", () => {
    const error = attemptsFailedError(
      [
        attempt(1, "kubectl-deployer", {
          type: "timeout",
          message: "no result within 120 s",
          retryable: true,
        }),
        attempt(2, "kubectl-deployer", { type: "permission", message: "forbidden", retryable: false }),
      ],
      ["unavailable: argocd-deployer (failing dependency checks: argocd)"],
    );
    expect(error).toEqual({
      type: "permission",
      message:
        "all 2 attempts failed (unavailable: argocd-deployer (failing dependency checks: argocd)); the last, on kubectl-deployer: permission: forbidden",
      retryable: false,
    });
  });

  it("says 'the only attempt' for one", () => {
    const error = attemptsFailedError([
      attempt(1, "general-agent", { type: "api_error", message: "500", retryable: true }),
    ]);
    expect(error?.message).toBe("the only attempt failed, on general-agent: api_error: 500");
  });

  it("is undefined when the last attempt left no error (no_agent says it then)", () => {
    expect(attemptsFailedError([attempt(1, "general-agent")])).toBeUndefined();
    expect(attemptsFailedError([])).toBeUndefined();
  });
});
