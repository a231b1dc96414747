import type { TaskError } from "@mesh-six/events";
import { NonRetryableError } from "../errors.ts";
import type { StoredStepError } from "./types.ts";

/** A step that failed for good (after its attempts), thrown into the run where it is awaited. */
export class StepError extends NonRetryableError {
  readonly step: string;
  /** The task error type of the cause (`api_error`, `rate_limited`, `timeout`, …), when it had one. */
  readonly type: string | undefined;
  readonly causeRetryable: boolean;
  /** What more the cause told (an LLM's answer that did not match its schema: `answer`). */
  readonly detail: Readonly<Record<string, unknown>> | undefined;
  constructor(step: string, stored: StoredStepError) {
    super(`step "${step}" failed: ${stored.message}`);
    this.step = step;
    this.type = stored.type;
    this.causeRetryable = stored.retryable ?? false;
    this.detail = stored.detail;
  }
}

/**
 * The run cannot go on as written: its code asks for steps in another order than its log
 * holds, it passed a limit, or it misused a step. The run fails with this message.
 */
export class RunDefinitionError extends NonRetryableError {
  readonly step: string | undefined;
  constructor(message: string, step?: string) {
    super(message);
    this.step = step;
  }
}

/** Another hop holds the run's lease now; this one stops without effect. */
export class LeaseLostError extends Error {
  constructor(runId: string) {
    super(`run ${runId}: the lease passed to another hop; this hop stops`);
    this.name = "LeaseLostError";
  }
}

type TaskErrorType = TaskError["type"];

/** Ends the run, failing its task with this error type (`invalid_input`, `permission`, …) and message. */
export class TaskFailure extends NonRetryableError {
  readonly type: TaskErrorType;
  constructor(type: TaskErrorType, message: string) {
    super(message);
    this.type = type;
  }
}
