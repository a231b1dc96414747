import { approvalContext } from "@mesh-six/events";
import { z } from "zod";
import { durationMs, timeMs } from "./duration.ts";
import { RunDefinitionError, StepError } from "./errors.ts";
import type { StepKind, StepRecord, StepRequest } from "./records.ts";
import type { RunContext, RunFunction, Step } from "./types.ts";

export interface ReplaySettings {
  readonly maxSteps: number;
  readonly now: () => number;
  /** How long the run may await something that is not a step before the hop gives up (real ms). */
  readonly idleLimitMs: number;
}

export type ReplayOutcome =
  | { readonly type: "returned"; readonly value: unknown }
  | { readonly type: "threw"; readonly error: unknown }
  | { readonly type: "blocked"; readonly requests: readonly StepRequest[] }
  | { readonly type: "invalid"; readonly error: RunDefinitionError };

const defaultApprovalTimeoutMs = 86_400_000;
const maxNameLength = 200;
const never = <T>() => new Promise<T>(() => {});

/** A rejected promise that does not count as unhandled when the run never awaits it. */
function rejected<T>(error: unknown): Promise<T> {
  const promise = Promise.reject<T>(error);
  promise.catch(() => {});
  return promise;
}

/**
 * Runs the run's code against its step log: a step with a result in the log returns it,
 * a failed one throws its StepError, and the first steps without a result are collected
 * (they never resolve in this replay). Resolves when the code returned, threw, or can go
 * no further without the collected steps.
 */
export async function replayRun(
  run: RunFunction,
  input: Record<string, unknown>,
  ctx: RunContext,
  log: readonly StepRecord[],
  settings: ReplaySettings,
): Promise<ReplayOutcome> {
  const replay = createReplay(log, settings);
  let settled: { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;
  Promise.resolve()
    .then(() => run(input, replay.step, ctx))
    .then(
      (value) => {
        settled = { ok: true, value };
      },
      (error: unknown) => {
        settled = { ok: false, error };
      },
    );
  const started = Date.now();
  for (;;) {
    const calls = replay.calls();
    await new Promise((resolve) => setImmediate(resolve));
    const fatal = replay.fatal();
    if (fatal) return { type: "invalid", error: fatal };
    if (settled)
      return settled.ok
        ? { type: "returned", value: settled.value }
        : { type: "threw", error: settled.error };
    if (replay.calls() !== calls) continue;
    if (replay.requests.length > 0) return { type: "blocked", requests: replay.requests };
    // the code awaits something that is not a step (I/O outside a step): give it time
    if (Date.now() - started > settings.idleLimitMs) {
      return {
        type: "invalid",
        error: new RunDefinitionError(
          `the run awaited something that is not a step for more than ${settings.idleLimitMs} ms; put I/O in step.do so it runs once and its result is kept`,
        ),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

interface Replay {
  readonly step: Step;
  readonly requests: StepRequest[];
  calls(): number;
  fatal(): RunDefinitionError | undefined;
}

export function createReplay(log: readonly StepRecord[], settings: ReplaySettings): Replay {
  const byPosition = new Map(log.map((record) => [record.position, record]));
  const byName = new Map(log.map((record) => [record.name, record]));
  const uses = new Map<string, number>();
  const requests: StepRequest[] = [];
  let position = 0;
  let calls = 0;
  let fatal: RunDefinitionError | undefined;

  const fail = <T>(error: RunDefinitionError): Promise<T> => {
    fatal ??= error;
    return never<T>();
  };

  /** The step's unique name and position, its log row, or the error that stops the run. */
  const locate = (kind: StepKind, name: unknown) => {
    calls += 1;
    if (typeof name !== "string" || name.length === 0 || name.length > maxNameLength || name.includes("\0")) {
      return {
        error: new RunDefinitionError(
          `step.${kind} needs a name: a non-empty string of at most ${maxNameLength} characters without NUL, got ${JSON.stringify(name)}`,
        ),
      };
    }
    const count = (uses.get(name) ?? 0) + 1;
    uses.set(name, count);
    const unique = count === 1 ? name : `${name}#${count}`;
    const at = position;
    position += 1;
    if (at >= settings.maxSteps) {
      return {
        error: new RunDefinitionError(
          `the run asked for step "${unique}", its ${at + 1}th; a run may take ${settings.maxSteps} steps (runSettings.maxSteps): split the work into child tasks or raise the limit`,
          unique,
        ),
      };
    }
    const recorded = byPosition.get(at);
    if (recorded && (recorded.name !== unique || recorded.kind !== kind)) {
      return { error: moved(unique, kind, at, recorded, byName.get(unique)) };
    }
    if (!recorded) {
      const elsewhere = byName.get(unique);
      if (elsewhere) return { error: moved(unique, kind, at, undefined, elsewhere) };
    }
    return { name: unique, position: at, recorded };
  };

  /** The memoized outcome of a finished step, or undefined when it has none yet. */
  const memoized = <T>(record: StepRecord | undefined): Promise<T> | undefined => {
    if (record?.status === "succeeded") {
      return Promise.resolve(
        record.result === undefined ? undefined : JSON.parse(record.result),
      ) as Promise<T>;
    }
    if (record?.status === "failed" || record?.status === "cancelled") {
      return rejected<T>(new StepError(record.name, record.error ?? { message: "the step failed" }));
    }
    return undefined;
  };

  const guarded = <T>(
    kind: StepKind,
    name: unknown,
    request: (at: { name: string; position: number }) => StepRequest | RunDefinitionError,
  ): Promise<T> => {
    if (fatal) return never<T>();
    const located = locate(kind, name);
    if ("error" in located) return fail<T>(located.error as RunDefinitionError);
    const done = memoized<T>(located.recorded);
    if (done) return done;
    let built: StepRequest | RunDefinitionError;
    try {
      built = request(located);
    } catch (error) {
      built =
        error instanceof RunDefinitionError ? error : new RunDefinitionError(String(error), located.name);
    }
    if (built instanceof RunDefinitionError) return fail<T>(built);
    requests.push(located.recorded ? { ...built, recorded: located.recorded } : built);
    return never<T>();
  };

  const step: Step = {
    do(name, work, options = {}) {
      return guarded("do", name, (at) => {
        if (typeof work !== "function")
          return new RunDefinitionError(`step "${at.name}": step.do needs a function to run`, at.name);
        return { kind: "do", ...at, work, options };
      });
    },
    llm(name, request) {
      return guarded("llm", name, (at) => {
        if (typeof request?.prompt !== "string" && !Array.isArray(request?.messages)) {
          return new RunDefinitionError(
            `step "${at.name}": step.llm needs a request with a prompt or messages`,
            at.name,
          );
        }
        return { kind: "llm", ...at, request };
      });
    },
    sleep(name, duration) {
      return guarded("sleep", name, (at) => ({
        kind: "sleep",
        ...at,
        until: settings.now() + durationMs(duration, at.name, "the duration"),
      }));
    },
    sleepUntil(name, time) {
      return guarded("sleep", name, (at) => ({ kind: "sleep", ...at, until: timeMs(time, at.name) }));
    },
    waitFor(name, options) {
      return guarded("wait", name, (at) => {
        const eventType = options?.event?.type;
        if (typeof eventType !== "string") {
          return new RunDefinitionError(
            `step "${at.name}": step.waitFor needs { event: <an event type from @mesh-six/events>, timeout }`,
            at.name,
          );
        }
        const match = options.match ?? {};
        if (typeof match !== "object" || match === null || Array.isArray(match)) {
          return new RunDefinitionError(
            `step "${at.name}": match must be an object of fields the event's data must have`,
            at.name,
          );
        }
        return {
          kind: "wait",
          ...at,
          eventType,
          match: JSON.parse(JSON.stringify(match)) as Record<string, unknown>,
          deadline: settings.now() + durationMs(options.timeout, at.name, "the timeout"),
        };
      });
    },
    task(name, request) {
      return guarded("task", name, (at) => {
        const parsed = taskRequest.safeParse(request);
        if (!parsed.success) {
          return new RunDefinitionError(
            `step "${at.name}": invalid child task: ${z.prettifyError(parsed.error)}`,
            at.name,
          );
        }
        return { kind: "task", ...at, request: parsed.data };
      });
    },
    approval(name, context, options = {}) {
      return guarded("approval", name, (at) => approvalRequest(at, "approval", context, options));
    },
    input(name, context, options = {}) {
      return guarded("approval", name, (at) => approvalRequest(at, "input", context, options));
    },
    all(steps) {
      if (!Array.isArray(steps)) return fail(new RunDefinitionError("step.all needs an array of steps"));
      return Promise.allSettled(steps).then((results) => {
        const failed = results.find((result) => result.status === "rejected");
        if (failed) throw failed.reason;
        return results.map((result) => (result as PromiseFulfilledResult<unknown>).value);
      }) as never;
    },
  };

  const approvalRequest = (
    at: { name: string; position: number },
    approvalKind: "approval" | "input",
    context: unknown,
    options: { timeout?: number | string; default?: "approved" | "rejected" },
  ): StepRequest | RunDefinitionError => {
    const parsed = approvalContext.safeParse(context);
    if (!parsed.success) {
      return new RunDefinitionError(
        `step "${at.name}": invalid approval context: ${z.prettifyError(parsed.error)}`,
        at.name,
      );
    }
    const timeout =
      options.timeout === undefined
        ? defaultApprovalTimeoutMs
        : durationMs(options.timeout, at.name, "the timeout");
    return {
      kind: "approval",
      ...at,
      approvalKind,
      context: parsed.data,
      deadline: settings.now() + timeout,
      ...(approvalKind === "approval" ? { defaultDecision: options.default ?? "rejected" } : {}),
    };
  };

  return { step, requests, calls: () => calls, fatal: () => fatal };
}

const taskRequest = z.strictObject({
  capability: z.string().min(1).max(100),
  payload: z.record(z.string(), z.unknown()).default({}),
  priority: z.number().int().min(0).max(10).optional(),
  timeout: z.number().int().positive().max(86_400).optional(),
});

function moved(
  name: string,
  kind: StepKind,
  at: number,
  recorded: StepRecord | undefined,
  elsewhere: StepRecord | undefined,
): RunDefinitionError {
  const where = elsewhere
    ? `step "${name}" moved: the run's log has it at position ${elsewhere.position + 1}${elsewhere.kind === kind ? "" : ` as a ${elsewhere.kind} step`}, the code now asks for it at position ${at + 1}`
    : `the code now asks for step "${name}" (${kind}) at position ${at + 1}, where the run's log has step "${recorded?.name}" (${recorded?.kind})`;
  return new RunDefinitionError(
    `${where}. A run replays its steps in the order they were first taken; the code changed under a running run, or it chooses steps by something that is not a step result (time, randomness, outside state)`,
    name,
  );
}
