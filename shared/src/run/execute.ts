import { randomUUID } from "node:crypto";
import {
  errorTypes,
  type MeshEvent,
  RunContinued,
  type runContinueReasons,
  TaskCompleted,
  type TaskError,
  TaskFailed,
  TaskProgress,
} from "@mesh-six/events";
import type { Settings } from "../config/read.ts";
import { callMarks } from "../cost/call-marks.ts";
import { MeshError } from "../errors.ts";
import type { Llm } from "../llm/port.ts";
import { recordMeshEvent } from "../log/event-log.ts";
import type { TraceContext } from "../log/trace.ts";
import type { AgentMemory } from "../memory/port.ts";
import { privateMemory } from "../memory/private.ts";
import type { Clock } from "../ports/clock.ts";
import type { Db } from "../ports/db.ts";
import type { Kv } from "../ports/kv.ts";
import type { Logger } from "../ports/logger.ts";
import { deriveEventId } from "../runtime/ids.ts";
import { storeInOutbox } from "../runtime/outbox-store.ts";
import { cancelApprovals } from "./approvals.ts";
import { LeaseLostError, RunDefinitionError, StepError } from "./errors.ts";
import { type RunEventFactory, runEventFactory } from "./events.ts";
import { createLiveText, type LiveText } from "./live-text.ts";
import {
  type ExecutableRequest,
  isExecutable,
  type RunRecord,
  type StepRecord,
  type StepRequest,
  type StepUsage,
  type WaitRequest,
} from "./records.ts";
import { replayRun } from "./replay.ts";
import { serialize } from "./serialize.ts";
import { attemptStep, retryPlan, storedError } from "./steps.ts";
import {
  finishRun,
  holdLease,
  type LeaseCheck,
  leaseRun,
  loadSteps,
  releaseRun,
  renewLease,
  type StepWrite,
  startStep,
  writeHeldStep,
  writeStep,
} from "./store.ts";
import type { RunContext, RunFunction, RunSettings, RunTask, StoredStepError } from "./types.ts";
import { registerWaits, resolveWaits } from "./waits.ts";

/** A function's run with its settings resolved. */
export interface RunnableDefinition {
  readonly name: string;
  readonly run: RunFunction;
  readonly settings: Required<RunSettings>;
  /** Held while a hop runs and renewed; a crashed hop's run is free again after it. */
  readonly leaseMs: number;
}

/** What a hop runs with: the function runtime's ports, and the delivery that started it. */
export interface HopEnvironment {
  readonly definition: RunnableDefinition;
  readonly db: Db;
  readonly kv: Kv;
  readonly clock: Clock;
  /** The function's own settings (`ctx.config`). */
  readonly config: Settings;
  readonly logger: Logger;
  readonly llm: Llm;
  readonly memory?: AgentMemory;
  readonly trace: TraceContext;
  readonly signal: AbortSignal;
  /** The delivery this hop runs in: its follow-ups are stored in the outbox under it. */
  readonly cause: { readonly source: string; readonly id: string };
  /** Publishes what the delivery stored in the outbox (`ctx.flush`). */
  readonly flush: () => Promise<number>;
  /** Publishes at once, outside the run's commits (`ctx.publishNow`): the live text of LLM steps that ask for it. */
  readonly publishNow?: (event: MeshEvent) => Promise<void>;
}

export type HopResult =
  | "parked"
  | "continued"
  | "succeeded"
  | "failed"
  | "cancelled"
  | "busy"
  | "finished-already"
  | "unknown"
  | "lease-lost";

const inProcessRetryMs = 5_000;

/**
 * One hop of a run: takes the run's lease, then replays the run against its step log
 * and acts on where the code stops: ends waits that can end, registers new ones, runs
 * the new `do`/`llm` steps (several at once from `step.all`) and commits each result
 * with its progress event, and goes round again while the hop budget lasts. It ends by
 * finishing the run (with task.completed / task.failed), by parking it (every step it
 * awaits is a wait), or by committing a run.continued with the last step's result, so
 * the next hop runs in a new delivery.
 */
export async function runHop(env: HopEnvironment, runId: string): Promise<HopResult> {
  const { db, clock, definition } = env;
  const owner = `${deriveEventId(definition.name, env.cause.source, env.cause.id)}:${randomUUID()}`;
  const leased = await leaseRun(db, runId, owner, clock.now(), definition.leaseMs);
  if (leased.type === "busy") return "busy";
  if (leased.type === "unknown") {
    env.logger.warn("run.continued for a run that does not exist; ignored", { runId });
    return "unknown";
  }
  if (leased.type === "finished") return "finished-already";
  const stopRenewal = keepLease(env, runId, owner);
  try {
    return await new Hop(env, leased.run, owner).go();
  } catch (error) {
    if (error instanceof LeaseLostError) {
      env.logger.warn("the run's lease passed to another hop; this hop stops", { runId });
      return "lease-lost";
    }
    // let go so the broker's redelivery (or the next sweep) can go on at once
    await releaseRun(db, runId, owner, "running", clock.now()).catch(() => false);
    throw error;
  } finally {
    stopRenewal();
  }
}

/** Renews the lease every third of its length until the hop ends. */
function keepLease(env: HopEnvironment, runId: string, owner: string): () => void {
  const stop = new AbortController();
  const every = Math.max(1000, Math.floor(env.definition.leaseMs / 3));
  void (async () => {
    while (!stop.signal.aborted) {
      const slept = await env.clock.sleep(every, stop.signal).then(
        () => true,
        () => false,
      );
      if (!slept) return;
      const renewed = await renewLease(env.db, runId, owner, env.clock.now() + env.definition.leaseMs).catch(
        () => true,
      );
      if (!renewed) return;
    }
  })();
  return () => stop.abort();
}

class Hop {
  private readonly started: number;
  private readonly emit: RunEventFactory;
  private lease: LeaseCheck;
  private stepsRun = 0;
  /** The step log; this hop holds the run, so its own writes are all that change it. */
  private log: StepRecord[] = [];
  /** Steps that ended in this hop since the last progress event. */
  private ended: StepWrite[] = [];
  private progressCount = 0;

  private readonly env: HopEnvironment;
  private readonly run: RunRecord;
  private readonly owner: string;

  constructor(env: HopEnvironment, run: RunRecord, owner: string) {
    this.env = env;
    this.run = run;
    this.owner = owner;
    this.started = env.clock.now();
    this.lease = { wake: run.wake };
    this.emit = runEventFactory({
      functionName: env.definition.name,
      runId: run.id,
      subject: run.taskId ?? run.id,
      trace: env.trace,
      now: () => env.clock.now(),
    });
    if (run.cancelRequestedAt !== undefined) {
      this.lease = {
        wake: run.wake,
        cancelRequestedAt: run.cancelRequestedAt,
        ...(run.cancelRequestedBy ? { cancelRequestedBy: run.cancelRequestedBy } : {}),
      };
    }
  }

  private get now(): number {
    return this.env.clock.now();
  }

  private get input(): Record<string, unknown> {
    return JSON.parse(this.run.input) as Record<string, unknown>;
  }

  async go(): Promise<HopResult> {
    const { env } = this;
    this.log = await loadSteps(env.db, this.run.id);
    for (;;) {
      if (this.lease.cancelRequestedAt !== undefined) return this.cancel();
      const log = this.log;
      const outcome = await replayRun(env.definition.run, this.input, this.context(), log, {
        maxSteps: env.definition.settings.maxSteps,
        now: () => this.now,
        idleLimitMs: 10_000,
      });
      if (outcome.type === "returned") return this.succeed(outcome.value, log);
      if (outcome.type === "threw") return this.fail(outcome.error, log);
      if (outcome.type === "invalid") return this.fail(outcome.error, log);

      const waiting = outcome.requests.filter((request) => request.recorded?.status === "waiting");
      const fresh = outcome.requests.filter(
        (request): request is WaitRequest => !request.recorded && !isExecutable(request),
      );
      if (waiting.length > 0 || fresh.length > 0) {
        const resolved = await this.settleWaits(
          waiting.map((request) => request.recorded as StepRecord),
          fresh,
        );
        if (resolved > 0) continue;
      }
      const runnable = outcome.requests.filter(
        (request): request is ExecutableRequest => isExecutable(request) && this.due(request.recorded),
      );
      if (runnable.length === 0) {
        if (await this.park()) return "parked";
        // woken meanwhile (or cancelled): look again
        this.lease = await holdLease(env.db, this.run.id, this.owner, this.now);
        continue;
      }
      if (this.stepsRun > 0 && this.now - this.started >= env.definition.settings.hopBudgetMs) {
        await this.commit([], "continue");
        return "continued";
      }
      const batch = runnable.slice(0, env.definition.settings.maxParallel);
      const writes = await Promise.all(batch.map((request) => this.execute(request)));
      this.stepsRun += batch.length;
      const pausedForRetry = writes.some((write) => write.status === "retrying");
      const goOn = !pausedForRetry && this.now - this.started < env.definition.settings.hopBudgetMs;
      await this.commit(writes, goOn || pausedForRetry ? "hold" : "continue");
      if (!goOn && !pausedForRetry) return "continued";
    }
  }

  /** Keeps what this hop wrote in its copy of the log. */
  private remember(writes: readonly StepWrite[]): void {
    for (const write of writes) {
      const index = this.log.findIndex((record) => record.position === write.position);
      const previous = index >= 0 ? this.log[index] : undefined;
      const record: StepRecord = {
        position: write.position,
        name: write.name,
        kind: write.kind,
        status: write.status,
        attempts: previous?.attempts ?? 1,
        ...(write.result === undefined ? {} : { result: write.result }),
        ...(write.error ? { error: write.error } : {}),
        ...((write.usage ?? previous?.usage) ? { usage: write.usage ?? previous?.usage } : {}),
        ...((write.waitType ?? previous?.waitType) ? { waitType: write.waitType ?? previous?.waitType } : {}),
        ...((write.waitKey ?? previous?.waitKey) ? { waitKey: write.waitKey ?? previous?.waitKey } : {}),
        ...((write.waitMatch ?? previous?.waitMatch)
          ? { waitMatch: write.waitMatch ?? previous?.waitMatch }
          : {}),
        ...(write.deadline === undefined ? {} : { deadline: write.deadline }),
        startedAt: previous?.startedAt ?? this.now,
        ...(write.endedAt === undefined ? {} : { endedAt: write.endedAt }),
      };
      if (index >= 0) this.log[index] = record;
      else this.log.push(record);
      if (write.status === "succeeded" || write.status === "failed" || write.status === "retrying") {
        this.ended.push(write);
      }
    }
    this.log.sort((a, b) => a.position - b.position);
  }

  /** Notes in the log copy that an attempt of a step began. */
  private markStarted(
    step: { position: number; name: string; kind: StepRecord["kind"] },
    attempts: number,
  ): void {
    const index = this.log.findIndex((record) => record.position === step.position);
    const previous = index >= 0 ? this.log[index] : undefined;
    const record: StepRecord = {
      ...previous,
      ...step,
      status: "running",
      attempts,
      startedAt: previous?.startedAt ?? this.now,
    };
    if (index >= 0) this.log[index] = record;
    else {
      this.log.push(record);
      this.log.sort((a, b) => a.position - b.position);
    }
  }

  /** One task.progress for the steps that ended since the last one (none when nothing did). */
  private progressEvents(): MeshEvent[] {
    if (this.ended.length === 0) return [];
    const ended = this.ended;
    this.ended = [];
    this.progressCount += 1;
    const describe = (write: StepWrite) =>
      write.status === "succeeded"
        ? `step "${write.name}" done`
        : write.status === "failed"
          ? `step "${write.name}" failed: ${write.error?.message ?? ""}`
          : `step "${write.name}" will be tried again`;
    const last = ended.at(-1)!;
    return [
      this.emit(
        TaskProgress,
        {
          taskId: this.run.taskId ?? this.run.id,
          agentId: this.env.definition.name,
          message: ended.map(describe).join("; "),
          runId: this.run.id,
          step: last.name,
        },
        `progress:${this.run.hops}:${this.progressCount}`,
      ),
    ];
  }

  /** The live text of one attempt of an LLM step: task.progress events published at once, best-effort. */
  private liveText(step: string, attempt: number): LiveText {
    const { env } = this;
    const publishNow = env.publishNow!;
    return createLiveText({
      clock: env.clock,
      send: (piece) =>
        publishNow(
          this.emit(
            TaskProgress,
            {
              taskId: this.run.taskId ?? this.run.id,
              agentId: env.definition.name,
              message: `step "${step}" writes`,
              runId: this.run.id,
              step,
              attempt,
              text: piece.text,
              offset: piece.offset,
            },
            `live:${step}:${attempt}:${piece.sequence}`,
          ),
        ),
      onError: (error) =>
        env.logger.warn("live text not published (the result keeps it)", {
          runId: this.run.id,
          step,
          error: error instanceof Error ? error.message : String(error),
        }),
    });
  }

  /** Lets go of a run that can only wait now, reporting what ended; false when it was woken meanwhile. */
  private async park(): Promise<boolean> {
    const { env } = this;
    const events = this.progressEvents();
    if (events.length === 0) {
      return releaseRun(env.db, this.run.id, this.owner, "waiting", this.now, this.lease.wake);
    }
    const released = await env.db.transaction(async (tx) => {
      const done = await releaseRun(tx, this.run.id, this.owner, "waiting", this.now, this.lease.wake);
      await this.store(tx, events);
      return done;
    });
    await this.flush();
    return released;
  }

  /** Whether a step the log holds may run now: never started, crashed mid-attempt, or due for its retry. */
  private due(recorded: StepRecord | undefined): boolean {
    if (!recorded || recorded.status === "running") return true;
    return recorded.status === "retrying" && (recorded.deadline ?? 0) <= this.now;
  }

  private context(): RunContext {
    const { env } = this;
    return {
      function: env.definition.name,
      runId: this.run.id,
      ...(this.run.taskId && this.run.attempt !== undefined
        ? {
            task: {
              taskId: this.run.taskId,
              capability: this.run.capability ?? "",
              attempt: this.run.attempt,
            } satisfies RunTask,
          }
        : {}),
      ...(this.run.userId ? { userId: this.run.userId } : {}),
      logger: env.logger.child({ runId: this.run.id }),
      clock: env.clock,
      config: env.config,
      trace: env.trace,
      llm: env.llm,
      // a private task's memory keeps its text local, as its LLM calls do (callMarks below)
      ...(env.memory
        ? { memory: callMarks(this.input).private ? privateMemory(env.memory) : env.memory }
        : {}),
      db: env.db,
      kv: env.kv,
      signal: env.signal,
    };
  }

  /** Ends the waits that can end and writes the new ones, in one transaction; how many ended. */
  private async settleWaits(waiting: readonly StepRecord[], fresh: readonly WaitRequest[]): Promise<number> {
    const { env } = this;
    let resolved = 0;
    await env.db.transaction(async (tx) => {
      this.lease = await holdLease(tx, this.run.id, this.owner, this.now);
      const waitEnv = {
        functionName: env.definition.name,
        run: this.run,
        now: this.now,
        emit: this.emit,
        maxResultBytes: env.definition.settings.maxResultBytes,
      };
      const ended = await resolveWaits(tx, waitEnv, waiting);
      const registered = await registerWaits(tx, waitEnv, fresh);
      resolved = ended.resolved + registered.resolved;
      const writes = [...ended.writes, ...registered.writes];
      for (const write of writes) await writeStep(tx, this.run.id, env.definition.name, write, this.now);
      await this.store(tx, registered.events);
      this.remember(writes);
    });
    await this.flush();
    return resolved;
  }

  /** Runs one step to its outcome for this hop: succeeded, failed for good, or retrying later. */
  private async execute(request: ExecutableRequest): Promise<StepWrite> {
    const { env } = this;
    const plan = retryPlan(request);
    const base = { position: request.position, name: request.name, kind: request.kind };
    for (;;) {
      const attempt = await startStep(env.db, this.run.id, env.definition.name, this.owner, base, this.now);
      if (attempt === undefined) throw new LeaseLostError(this.run.id);
      this.markStarted(base, attempt);
      const outcome = await attemptStep(
        {
          runId: this.run.id,
          llm: env.llm,
          llmContext: {
            agentId: env.definition.name,
            ...(this.run.capability ? { capability: this.run.capability } : {}),
            ...(this.run.taskId ? { taskId: this.run.taskId } : {}),
            ...(this.run.userId ? { userId: this.run.userId } : {}),
            ...callMarks(this.input),
            traceId: env.trace.traceId,
          },
          signal: env.signal,
          maxResultBytes: env.definition.settings.maxResultBytes,
          ...(env.publishNow ? { liveText: (step, attempt) => this.liveText(step, attempt) } : {}),
        },
        request,
        attempt,
      );
      const usage = outcome.usage ? { usage: outcome.usage } : {};
      if (outcome.ok) {
        return {
          ...base,
          status: "succeeded",
          ...(outcome.result === undefined ? {} : { result: outcome.result }),
          ...usage,
          endedAt: this.now,
        };
      }
      const error = { ...outcome.error, attempts: attempt } as StoredStepError;
      if (!outcome.retryable || attempt >= plan.attempts) {
        const failure = attempt > 1 ? `${error.message} (after ${attempt} attempts)` : error.message;
        env.logger.warn("step failed", {
          runId: this.run.id,
          step: request.name,
          attempt,
          error: error.message,
        });
        return {
          ...base,
          status: "failed",
          error: { ...error, message: failure },
          ...usage,
          endedAt: this.now,
        };
      }
      const delay = plan.delayBefore(attempt + 1);
      env.logger.info("step failed; trying again", {
        runId: this.run.id,
        step: request.name,
        attempt,
        delayMs: delay,
        error: error.message,
      });
      const fits = this.now - this.started + delay < env.definition.settings.hopBudgetMs;
      if (delay <= inProcessRetryMs && fits) {
        if (delay > 0) await env.clock.sleep(delay, env.signal);
        continue;
      }
      return { ...base, status: "retrying", error, ...usage, deadline: this.now + delay };
    }
  }

  /**
   * Commits step results. `continue` also lets go of the run and stores the run.continued
   * that starts the next hop, with a task.progress for the steps that ended, in one
   * transaction; `hold` keeps the lease (the hop goes on, or parks next round) and is
   * one statement for one step.
   */
  private async commit(writes: readonly StepWrite[], mode: "continue" | "hold") {
    const { env } = this;
    const name = env.definition.name;
    if (mode === "hold" && writes.length === 1) {
      this.lease = await writeHeldStep(env.db, this.run.id, name, this.owner, writes[0]!, this.now);
      this.remember(writes);
      return;
    }
    await env.db.transaction(async (tx) => {
      this.lease = await holdLease(tx, this.run.id, this.owner, this.now);
      for (const write of writes) await writeStep(tx, this.run.id, name, write, this.now);
      this.remember(writes);
      if (mode === "continue") {
        const done = this.log.filter(
          (record) => record.status === "succeeded" || record.status === "failed",
        ).length;
        await releaseRun(tx, this.run.id, this.owner, "running", this.now);
        await this.store(tx, [...this.progressEvents(), this.continuation("step", `continue:${done}`)]);
      }
    });
    if (mode === "continue") await this.flush();
  }

  private continuation(reason: (typeof runContinueReasons)[number], key: string): MeshEvent {
    return this.emit(RunContinued, { runId: this.run.id, reason }, key, {
      meshfunction: this.env.definition.name,
    });
  }

  private async succeed(value: unknown, log: readonly StepRecord[]): Promise<HopResult> {
    let output: string | undefined;
    try {
      output = serialize(value, "the run's output", this.env.definition.settings.maxResultBytes);
    } catch (error) {
      return this.fail(error, log);
    }
    await this.finish({ status: "succeeded", ...(output === undefined ? {} : { output }) }, log, value);
    return "succeeded";
  }

  private async fail(thrown: unknown, log: readonly StepRecord[]): Promise<HopResult> {
    if (thrown instanceof MeshError && thrown.retryable && !(thrown instanceof StepError)) {
      // a passing fault outside any step: the broker delivers again and the run replays
      throw thrown;
    }
    const error = runError(thrown);
    this.env.logger.warn("run failed", { runId: this.run.id, error: error.message, step: error.step });
    await this.finish({ status: "failed", error }, log);
    return "failed";
  }

  private async cancel(): Promise<HopResult> {
    const by = this.lease.cancelRequestedBy ?? "someone";
    const log = this.log;
    await this.finish(
      {
        status: "cancelled",
        error: { type: "cancelled", message: `the run was cancelled by ${by}`, retryable: false },
      },
      log,
    );
    return "cancelled";
  }

  private async finish(
    outcome:
      | { status: "succeeded"; output?: string }
      | { status: "failed" | "cancelled"; error: StoredStepError & { step?: string } },
    log: readonly StepRecord[],
    value?: unknown,
  ): Promise<void> {
    const { env } = this;
    const run = this.run;
    const durationMs = Math.max(0, this.now - run.createdAt);
    const usage = totalUsage(log);
    await env.db.transaction(async (tx) => {
      await holdLease(tx, run.id, this.owner, this.now);
      await finishRun(tx, run.id, this.owner, outcome, this.now);
      if (outcome.status === "cancelled") await cancelApprovals(tx, run.id, outcome.error.message, this.now);
      const events: MeshEvent[] = this.progressEvents();
      if (run.taskId && run.attempt !== undefined) {
        const base = {
          taskId: run.taskId,
          agentId: env.definition.name,
          attempt: run.attempt,
          durationMs,
          usage,
        };
        const key = `result:${run.taskId}:${run.attempt}`;
        events.push(
          outcome.status === "succeeded"
            ? this.emit(
                TaskCompleted,
                { ...base, result: value === undefined ? null : JSON.parse(outcome.output ?? "null") },
                key,
              )
            : this.emit(
                TaskFailed,
                {
                  ...base,
                  error: {
                    type: taskErrorType(outcome.error.type),
                    message: outcome.error.message,
                    retryable: outcome.error.retryable ?? false,
                  },
                },
                key,
              ),
        );
      }
      await this.store(tx, events);
      await recordMeshEvent(tx, {
        kind: `run.${outcome.status}`,
        functionName: env.definition.name,
        traceId: env.trace.traceId,
        subject: run.taskId ?? run.id,
        data: {
          runId: run.id,
          steps: log.length,
          hops: run.hops,
          durationMs,
          ...(outcome.status === "succeeded" ? {} : { error: outcome.error }),
        },
      });
    });
    await this.flush();
  }

  private async store(tx: Parameters<typeof storeInOutbox>[0], events: readonly MeshEvent[]): Promise<void> {
    const { env } = this;
    await storeInOutbox(
      tx,
      { functionName: env.definition.name, source: env.cause.source, eventId: env.cause.id },
      events,
      this.now,
    );
  }

  /** Publishes what this hop stored; a failure leaves it to the outbox sweep. */
  private async flush(): Promise<void> {
    await this.env.flush();
  }
}

/** How an error that ended a run is kept and reported. */
function runError(thrown: unknown): StoredStepError & { step?: string } {
  if (thrown instanceof StepError) {
    return {
      message: thrown.message,
      ...(thrown.type ? { type: thrown.type } : {}),
      retryable: thrown.causeRetryable,
      step: thrown.step,
    };
  }
  if (thrown instanceof RunDefinitionError) {
    return {
      message: thrown.message,
      type: "unhandled",
      retryable: false,
      ...(thrown.step ? { step: thrown.step } : {}),
    };
  }
  return { ...storedError(thrown, false), retryable: false };
}

function taskErrorType(type: string | undefined): TaskError["type"] {
  return type && (errorTypes as readonly string[]).includes(type) ? (type as TaskError["type"]) : "unhandled";
}

/** Tokens and cost of every llm step of the run. */
export function totalUsage(log: readonly StepRecord[]): {
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
} {
  const sum = { promptTokens: 0, completionTokens: 0, costUsd: 0 };
  for (const record of log) {
    const usage: StepUsage | undefined = record.usage;
    if (!usage) continue;
    sum.promptTokens += usage.promptTokens;
    sum.completionTokens += usage.completionTokens;
    sum.costUsd += usage.costUsd;
  }
  return sum;
}

export type { StepRequest };
