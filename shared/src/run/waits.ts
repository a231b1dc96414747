import { ApprovalRequested, type MeshEvent, TaskRequested } from "@mesh-six/events";
import type { SqlExecutor } from "../ports/db.ts";
import { createApproval, expireApproval, outcomeOf, readApproval } from "./approvals.ts";
import { approvalIdFor, childTaskId, type RunEventFactory } from "./events.ts";
import type { RunRecord, StepRecord, WaitRequest } from "./records.ts";
import { serialize } from "./serialize.ts";
import type { StepWrite } from "./store.ts";

export interface WaitEnvironment {
  readonly functionName: string;
  readonly run: RunRecord;
  readonly now: number;
  readonly emit: RunEventFactory;
  readonly maxResultBytes: number;
}

export interface WaitChanges {
  readonly writes: StepWrite[];
  readonly events: MeshEvent[];
  /** How many waits ended (the run can go further). */
  resolved: number;
}

/**
 * Writes the waits the run asked for, before it yields: a sleep or wait row with its
 * deadline, a child task (with its task.requested), an approval (with its row and
 * approval.requested). A wait whose event arrived already, or a sleep already over, ends at once.
 */
export async function registerWaits(
  tx: SqlExecutor,
  env: WaitEnvironment,
  requests: readonly WaitRequest[],
): Promise<WaitChanges> {
  const changes: WaitChanges = { writes: [], events: [], resolved: 0 };
  for (const request of requests) {
    const base = { position: request.position, name: request.name, kind: request.kind };
    switch (request.kind) {
      case "sleep": {
        if (request.until <= env.now) {
          changes.writes.push({ ...base, status: "succeeded", endedAt: env.now });
          changes.resolved += 1;
        } else {
          changes.writes.push({ ...base, status: "waiting", waitType: "sleep", deadline: request.until });
        }
        break;
      }
      case "wait": {
        const arrived = await findArrival(tx, env, request.eventType, request.match);
        const wait = { waitType: request.eventType, waitMatch: request.match, deadline: request.deadline };
        if (arrived) {
          changes.writes.push({ ...base, ...wait, ...ended(env, request.name, arrived) });
          changes.resolved += 1;
        } else {
          changes.writes.push({ ...base, ...wait, status: "waiting" });
        }
        break;
      }
      case "task": {
        const taskId = childTaskId(env.functionName, env.run.id, request.name);
        changes.writes.push({ ...base, status: "waiting", waitType: "task", waitKey: taskId });
        changes.events.push(
          env.emit(
            TaskRequested,
            {
              taskId,
              capability: request.request.capability,
              payload: { ...(request.request.payload ?? {}) },
              ...(request.request.priority === undefined ? {} : { priority: request.request.priority }),
              ...(request.request.timeout === undefined ? {} : { timeout: request.request.timeout }),
              requestedBy: `run:${env.run.id}`,
              replyTo: env.functionName,
            },
            `task:${request.name}`,
          ),
        );
        break;
      }
      case "approval": {
        const approvalId = approvalIdFor(env.functionName, env.run.id, request.name);
        await createApproval(tx, {
          id: approvalId,
          kind: request.approvalKind,
          runId: env.run.id,
          step: request.name,
          functionName: env.functionName,
          ...(env.run.taskId ? { taskId: env.run.taskId } : {}),
          ...(env.run.userId ? { userId: env.run.userId } : {}),
          context: request.context,
          deadline: request.deadline,
          ...(request.defaultDecision ? { defaultDecision: request.defaultDecision } : {}),
          at: env.now,
        });
        changes.writes.push({
          ...base,
          status: "waiting",
          waitType: "approval",
          waitKey: approvalId,
          deadline: request.deadline,
        });
        changes.events.push(
          env.emit(
            ApprovalRequested,
            {
              approvalId,
              kind: request.approvalKind,
              runId: env.run.id,
              functionName: env.functionName,
              ...(env.run.taskId ? { taskId: env.run.taskId } : {}),
              context: request.context,
              deadline: new Date(request.deadline).toISOString(),
              ...(request.defaultDecision ? { defaultDecision: request.defaultDecision } : {}),
            },
            `approval:${request.name}`,
          ),
        );
        break;
      }
    }
  }
  return changes;
}

/**
 * Ends the waits that can end now: a sleep that is over, a wait whose event arrived (or
 * whose timeout passed: null), a child task that finished, an approval that was decided
 * (or whose deadline passed: the default). The events only wake the run; what it resumes
 * with is read here, so a lost wake-up changes nothing but the time.
 */
export async function resolveWaits(
  tx: SqlExecutor,
  env: WaitEnvironment,
  waiting: readonly StepRecord[],
): Promise<WaitChanges> {
  const changes: WaitChanges = { writes: [], events: [], resolved: 0 };
  for (const record of waiting) {
    const base = { position: record.position, name: record.name, kind: record.kind };
    const due = record.deadline !== undefined && record.deadline <= env.now;
    let write: StepWrite | undefined;
    switch (record.kind) {
      case "sleep":
        if (due) write = { ...base, status: "succeeded", endedAt: env.now };
        break;
      case "wait": {
        const arrived = record.waitType
          ? await findArrival(tx, env, record.waitType, record.waitMatch ?? {})
          : undefined;
        if (arrived) write = { ...base, ...ended(env, record.name, arrived) };
        else if (due) write = { ...base, status: "succeeded", result: "null", endedAt: env.now };
        break;
      }
      case "task": {
        const finished = record.waitKey ? await finishedTask(tx, record.waitKey) : undefined;
        if (finished?.status === "succeeded") {
          write = { ...base, ...ended(env, record.name, finished.result) };
        } else if (finished?.status === "failed") {
          write = {
            ...base,
            status: "failed",
            error: {
              message: `child task ${record.waitKey} failed: ${finished.error?.message ?? "no reason given"}`,
              ...(finished.error?.type ? { type: finished.error.type } : {}),
              retryable: finished.error?.retryable ?? false,
            },
            endedAt: env.now,
          };
        }
        break;
      }
      case "approval": {
        if (!record.waitKey) break;
        let approval = await readApproval(tx, record.waitKey);
        if (approval?.status === "pending" && due)
          approval = await expireApproval(tx, record.waitKey, env.now);
        if (approval && approval.status !== "pending") {
          write =
            approval.status === "cancelled"
              ? {
                  ...base,
                  status: "failed",
                  error: { message: `approval ${approval.id} was cancelled`, type: "cancelled" },
                  endedAt: env.now,
                }
              : { ...base, ...ended(env, record.name, outcomeOf(approval)) };
        }
        break;
      }
      default:
        break;
    }
    if (write) {
      changes.writes.push(write);
      changes.resolved += 1;
    }
  }
  return changes;
}

/** A wait's successful end with `value`, or a failure when the value cannot be kept. */
function ended(
  env: WaitEnvironment,
  name: string,
  value: unknown,
): Pick<StepWrite, "status" | "result" | "error" | "endedAt"> {
  try {
    const result = serialize(value, `the result of step "${name}"`, env.maxResultBytes);
    return { status: "succeeded", ...(result === undefined ? {} : { result }), endedAt: env.now };
  } catch (error) {
    return {
      status: "failed",
      error: { message: error instanceof Error ? error.message : String(error), type: "invalid_input" },
      endedAt: env.now,
    };
  }
}

/** The first event of `type` with data containing `match` that arrived for this function since the run began. */
async function findArrival(
  tx: SqlExecutor,
  env: WaitEnvironment,
  type: string,
  match: Record<string, unknown>,
): Promise<MeshEvent | undefined> {
  const { rows } = await tx.query<{ event: MeshEvent }>(
    `SELECT event FROM run_arrivals
      WHERE function_name = $1 AND event_type = $2 AND received_at >= $3 AND coalesce(data, 'null'::jsonb) @> $4::jsonb
      ORDER BY received_at, event_id LIMIT 1`,
    [env.functionName, type, env.run.createdAt, JSON.stringify(match)],
  );
  return rows[0]?.event;
}

async function finishedTask(
  tx: SqlExecutor,
  taskId: string,
): Promise<
  | {
      status: "succeeded" | "failed";
      result: unknown;
      error?: { message?: string; type?: string; retryable?: boolean };
    }
  | undefined
> {
  const { rows } = await tx.query<{
    status: string;
    result: unknown;
    error: { message?: string; type?: string; retryable?: boolean } | null;
  }>("SELECT status, result, error FROM tasks WHERE id = $1 AND status IN ('succeeded', 'failed')", [taskId]);
  const row = rows[0];
  if (!row) return undefined;
  return {
    status: row.status as "succeeded" | "failed",
    result: row.result ?? null,
    ...(row.error ? { error: row.error } : {}),
  };
}
