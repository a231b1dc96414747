import type { ApprovalContext, ApprovalDecision } from "@mesh-six/events";
import type { DoOptions, StepLlmRequest, StepTaskRequest, StoredStepError } from "./types.ts";

export const stepKinds = ["do", "llm", "sleep", "wait", "task", "approval"] as const;
export type StepKind = (typeof stepKinds)[number];
export type StepStatus = "running" | "retrying" | "waiting" | "succeeded" | "failed" | "cancelled";
export type RunStatus = "running" | "waiting" | "succeeded" | "failed" | "cancelled";

/** Tokens an llm step spent. */
export interface StepUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number;
  readonly calls: number;
  readonly model?: string;
}

/** One row of a run's step log. */
export interface StepRecord {
  readonly position: number;
  readonly name: string;
  readonly kind: StepKind;
  readonly status: StepStatus;
  readonly attempts: number;
  /** The result's JSON text; undefined for `undefined`. */
  readonly result?: string;
  readonly error?: StoredStepError;
  readonly usage?: StepUsage;
  readonly waitType?: string;
  readonly waitKey?: string;
  readonly waitMatch?: Record<string, unknown>;
  /** A wait's timeout, a sleep's end, a retrying step's next attempt (ms). */
  readonly deadline?: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
}

/** A row of `runs`. */
export interface RunRecord {
  readonly id: string;
  readonly functionName: string;
  readonly status: RunStatus;
  readonly input: string;
  readonly output?: string;
  readonly error?: StoredStepError & { readonly step?: string };
  readonly taskId?: string;
  readonly attempt?: number;
  readonly capability?: string;
  readonly userId?: string;
  readonly traceId?: string;
  readonly traceparent?: string;
  readonly steps: number;
  readonly hops: number;
  readonly wake: number;
  readonly leaseOwner?: string;
  readonly leaseUntil?: number;
  readonly cancelRequestedAt?: number;
  readonly cancelRequestedBy?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly finishedAt?: number;
}

interface Requested {
  readonly position: number;
  readonly name: string;
  /** The row the log holds for it already (a step started, waiting or retrying). */
  readonly recorded?: StepRecord;
}

/** A step the run asked for that has no result yet: to run, to register as a wait, or still waiting. */
export type StepRequest = Requested &
  (
    | {
        readonly kind: "do";
        readonly work: (context: import("./types.ts").DoContext) => unknown;
        readonly options: DoOptions;
      }
    | { readonly kind: "llm"; readonly request: StepLlmRequest }
    | { readonly kind: "sleep"; readonly until: number }
    | {
        readonly kind: "wait";
        readonly eventType: string;
        readonly match: Record<string, unknown>;
        readonly deadline: number;
      }
    | { readonly kind: "task"; readonly request: StepTaskRequest }
    | {
        readonly kind: "approval";
        readonly approvalKind: "approval" | "input";
        readonly context: ApprovalContext;
        readonly deadline: number;
        readonly defaultDecision?: ApprovalDecision;
      }
  );

export type ExecutableRequest = Extract<StepRequest, { kind: "do" | "llm" }>;
export type WaitRequest = Exclude<StepRequest, ExecutableRequest>;

export function isExecutable(request: StepRequest): request is ExecutableRequest {
  return request.kind === "do" || request.kind === "llm";
}
