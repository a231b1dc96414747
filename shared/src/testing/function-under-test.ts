import { type MeshEvent, RunContinued, TaskCompleted, TaskDispatched, TaskFailed } from "@mesh-six/events";
import type { SubscriberResponse } from "../broker/types.ts";
import type { FunctionDefinition } from "../function/define.ts";
import type { Db } from "../ports/db.ts";
import { dueRuns } from "../run/sweep.ts";
import { type RuntimeOptions, type RuntimeUnderTest, runtimeUnderTest } from "../runtime/test-fixture.ts";

export interface DispatchOptions {
  /** A new UUID when omitted. */
  readonly taskId?: string;
  /** The function's first capability when omitted. */
  readonly capability?: string;
  readonly attempt?: number;
  readonly priority?: number;
  /** How long the attempt may take before the orchestrator counts it as timed out (default 120 s). */
  readonly timeoutMs?: number;
}

/** How a task ended, from the task.completed or task.failed the function published. */
export interface TaskOutcome {
  readonly taskId: string;
  /** `pending`: the function has not finished it (a run waits: a person, a timer, a child task). */
  readonly status: "succeeded" | "failed" | "pending";
  readonly result?: unknown;
  readonly error?: { readonly type: string; readonly message: string; readonly retryable: boolean };
  readonly usage?: unknown;
}

export interface FunctionUnderTest extends Omit<RuntimeUnderTest, "deliver"> {
  readonly definition: FunctionDefinition;
  readonly db: Db;
  /**
   * Delivers `event` as its Trigger would, then every run.continued for this function
   * published on the way (the next hops), until the function rests. Rejects when one of
   * those hops does not answer 200, naming it.
   */
  deliver(event: MeshEvent): Promise<SubscriberResponse>;
  /**
   * Delivers a task.dispatched for `payload`, as the orchestrator sends it; resolves with
   * the task id, or rejects when the function does not answer 2xx (it would get it again).
   */
  dispatch(payload?: Record<string, unknown>, options?: DispatchOptions): Promise<string>;
  /** Dispatches a task and resolves with how it ended (or `pending`). */
  task(payload?: Record<string, unknown>, options?: DispatchOptions): Promise<TaskOutcome>;
  /** How the task ended so far. */
  outcome(taskId: string): TaskOutcome;
  /** The task.completed or task.failed of a task, as published. */
  result(taskId: string): { readonly type: string; readonly data: Record<string, unknown> } | undefined;
  /** The events of one type the function published, in order. */
  ofType(type: { readonly type: string }): MeshEvent[];
  /** Runs the sweep the orchestrator's PingSource runs (timers, lost wake-ups), delivering what it wakes. */
  sweep(): Promise<void>;
  /** Moves the clock, then sweeps: sleeps, retries, timeouts and approval deadlines come due. */
  advance(ms: number): Promise<void>;
}

/**
 * One function on `db` with a manual clock and a recording publisher: its handler, or for
 * a run function every hop of its runs (each run.continued it publishes is delivered back
 * to it). Child tasks, approvals and other functions are not there: deliver their events
 * (task.finished, approval.decided, …) by hand.
 */
export function functionUnderTest(
  db: Db,
  definition: FunctionDefinition,
  options: RuntimeOptions = {},
): FunctionUnderTest {
  const host = runtimeUnderTest(db, definition, options);
  let cursor = 0;
  const pump = async () => {
    while (cursor < host.published.length) {
      const event = host.published[cursor]!;
      cursor += 1;
      if (!(RunContinued.is(event) && event.meshfunction === definition.name)) continue;
      const answer = await host.deliver(event);
      if (answer.status !== 200) {
        throw new Error(
          `the hop of run.continued ${event.id} (${JSON.stringify(event.data)}) answered ${answer.status}, not 200: see the function's log in .lines`,
        );
      }
    }
  };
  const deliver = async (event: MeshEvent) => {
    const answer = await host.deliver(event);
    await pump();
    return answer;
  };
  const result = (taskId: string) => {
    const done = host.published.find(
      (event) =>
        (TaskCompleted.is(event) || TaskFailed.is(event)) &&
        (event.data as { taskId?: string }).taskId === taskId,
    );
    return done ? { type: done.type, data: done.data as Record<string, unknown> } : undefined;
  };
  const outcome = (taskId: string): TaskOutcome => {
    const done = result(taskId);
    if (!done) return { taskId, status: "pending" };
    const { result: value, error, usage } = done.data;
    const ended =
      done.type === TaskCompleted.type
        ? { status: "succeeded" as const, result: value }
        : { status: "failed" as const, error: error as TaskOutcome["error"] };
    return { taskId, ...ended, ...(usage === undefined ? {} : { usage }) };
  };
  const dispatch = async (payload: Record<string, unknown> = {}, dispatchOptions: DispatchOptions = {}) => {
    const taskId = dispatchOptions.taskId ?? crypto.randomUUID();
    const answer = await deliver(
      dispatchedTask(definition, payload, { ...dispatchOptions, taskId }, host.clock.now()),
    );
    if (answer.status < 200 || answer.status > 299) {
      throw new Error(
        `${definition.name} answered ${answer.status} to the task.dispatched of task ${taskId}: the broker would deliver it again; see the function's log in .lines, or deliver(dispatchedTask(…)) to test the redelivery`,
      );
    }
    return taskId;
  };
  const sweep = async () => {
    for (const due of await dueRuns(db, host.clock.now())) {
      if (due.functionName !== definition.name) continue;
      await deliver(
        RunContinued.create({
          source: "/mesh-six/orchestrator",
          data: { runId: due.runId, reason: due.reason },
          extensions: { meshfunction: due.functionName },
        }),
      );
    }
  };
  return {
    ...host,
    definition,
    db,
    deliver,
    dispatch,
    async task(payload, dispatchOptions) {
      return outcome(await dispatch(payload, dispatchOptions));
    },
    outcome,
    result,
    ofType: (type) => host.published.filter((event) => event.type === type.type),
    sweep,
    async advance(ms) {
      await host.clock.advance(ms);
      await sweep();
    },
  };
}

/** A task.dispatched for `definition`, as the orchestrator sends it (meshagent names the function). */
export function dispatchedTask(
  definition: FunctionDefinition,
  payload: Record<string, unknown>,
  options: DispatchOptions & { readonly taskId: string },
  now: number,
): MeshEvent {
  return TaskDispatched.create({
    source: "/mesh-six/orchestrator",
    data: {
      taskId: options.taskId,
      capability: options.capability ?? definition.capabilities?.[0]?.name ?? definition.name,
      agentId: definition.name,
      attempt: options.attempt ?? 1,
      payload,
      priority: options.priority ?? 5,
      deadline: new Date(now + (options.timeoutMs ?? 120_000)).toISOString(),
    },
    extensions: { meshagent: definition.name },
  });
}
