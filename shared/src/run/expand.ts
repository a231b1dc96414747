import {
  ApprovalDecided,
  ApprovalRequested,
  type EventType,
  RunContinued,
  TaskCompleted,
  TaskDispatched,
  TaskFailed,
  TaskFinished,
  TaskProgress,
  TaskRequested,
} from "@mesh-six/events";
import { z } from "zod";
import { type LlmConfig, llmConfig } from "../config/llm.ts";
import type { ConfigSchema } from "../config/read.ts";
import { NonRetryableError } from "../errors.ts";
import type { FunctionDefinition, Handler, Subscription } from "../function/types.ts";
import { createLlm } from "../llm/create.ts";
import { runIdFor } from "./events.ts";
import { type HopEnvironment, type RunnableDefinition, runHop } from "./execute.ts";
import { insertRun } from "./store.ts";
import type { RunFunction, RunSettings } from "./types.ts";
import { onArrival, onDecision, wakeForTask } from "./wake.ts";

const leaseMs = 30_000;

/** The subscription names a run function gets; its own may not reuse them. */
export const runSubscriptionNames = ["tasks", "runs", "children", "decisions"] as const;

/**
 * A definition with a `run`, as an ordinary one: its handler runs hops, and it subscribes
 * to what its runs need — tasks dispatched to it (when it offers capabilities), its own
 * run.continued, task.finished of its child tasks, approval decisions, and every type in
 * `waitsFor` — and declares the events its runs emit. Its config gains the LLM's
 * variables (`llmConfig`, its own fields first), as every run may call `step.llm`.
 */
export function expandRun<Config extends ConfigSchema>(
  definition: FunctionDefinition<Config>,
): FunctionDefinition<Config> {
  const run = definition.run;
  if (!run) return definition;
  if (definition.handler) {
    throw new Error(
      `function ${definition.name} has both a run and a handler; give it one of them (a run handles its tasks, its waits and its continuations)`,
    );
  }
  const own = definition.subscriptions ?? [];
  const clash = own.find((subscription) =>
    (runSubscriptionNames as readonly string[]).includes(subscription.name),
  );
  if (clash) {
    throw new Error(
      `function ${definition.name}: the subscription name "${clash.name}" is taken by its run (${runSubscriptionNames.join(", ")}); rename it`,
    );
  }
  const name = definition.name;
  const waitsFor = definition.waitsFor ?? [];
  const subscriptions: Subscription[] = [
    ...((definition.capabilities ?? []).length > 0
      ? [{ name: "tasks", attributes: { type: TaskDispatched.type, meshagent: name } }]
      : []),
    { name: "runs", attributes: { type: RunContinued.type, meshfunction: name } },
    { name: "children", attributes: { type: TaskFinished.type, meshreplyto: name } },
    { name: "decisions", attributes: { type: ApprovalDecided.type } },
    ...waitsFor.map((type) => ({ name: waitSubscriptionName(type), attributes: { type: type.type } })),
    ...own,
  ];
  const emitted: EventType[] = [
    TaskCompleted,
    TaskFailed,
    TaskProgress,
    TaskRequested,
    RunContinued,
    ApprovalRequested,
  ];
  const emits = [...emitted, ...(definition.emits ?? []).filter((type) => !emitted.includes(type))];
  const runnable: RunnableDefinition = {
    name,
    run,
    settings: resolveRunSettings(definition.runSettings, definition.scaling?.timeoutSeconds ?? 300),
    leaseMs,
  };
  const ownVariables = definition.config?.shape ?? {};
  return {
    ...definition,
    // a superset of Config: the run's own variables, and the LLM's its steps call
    config: z.object({ ...llmConfig.shape, ...ownVariables }) as unknown as Config,
    subscriptions,
    emits,
    handler: runHandler(runnable, new Set(waitsFor.map((type) => type.type))),
  };
}

/** `wait-<last two parts of the type>`, e.g. `wait-github-push` for dev.meshsix.github.push. */
function waitSubscriptionName(type: EventType): string {
  const parts = type.type.split(".").slice(-2).join("-");
  return `wait-${parts.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}`.slice(0, 40).replace(/-+$/, "");
}

export function resolveRunSettings(
  settings: RunSettings = {},
  timeoutSeconds: number,
): Required<RunSettings> {
  const resolved = {
    hopBudgetMs: settings.hopBudgetMs ?? Math.min(10_000, (timeoutSeconds * 1000) / 4),
    maxSteps: settings.maxSteps ?? 1000,
    maxResultBytes: settings.maxResultBytes ?? 256 * 1024,
    maxParallel: settings.maxParallel ?? 8,
  };
  for (const [key, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value < (key === "hopBudgetMs" ? 0 : 1)) {
      throw new Error(`runSettings.${key} must be a positive number, got ${value}`);
    }
  }
  return resolved;
}

function runHandler(definition: RunnableDefinition, waited: ReadonlySet<string>): Handler {
  return async (event, ctx) => {
    const environment = (): HopEnvironment => ({
      definition,
      db: ctx.db,
      kv: ctx.kv,
      clock: ctx.clock,
      config: ctx.config,
      logger: ctx.logger,
      // hosts build ctx.llm from these settings; a runtime made by hand may leave it out
      llm:
        ctx.llm ??
        createLlm({
          config: ctx.config as LlmConfig,
          db: ctx.db,
          kv: ctx.kv,
          clock: ctx.clock,
          logger: ctx.logger,
        }),
      ...(ctx.memory ? { memory: ctx.memory } : {}),
      trace: ctx.trace,
      signal: ctx.signal ?? new AbortController().signal,
      cause: { source: event.source, id: event.id },
      flush: () => ctx.flush(),
    });
    if (TaskDispatched.is(event)) {
      const parsed = TaskDispatched.parse(event);
      if (!parsed.ok) throw new NonRetryableError(parsed.error);
      const task = parsed.data;
      const runId = runIdFor(definition.name, task.taskId, task.attempt);
      const userId = task.payload.userId;
      await insertRun(ctx.db, {
        id: runId,
        functionName: definition.name,
        input: JSON.stringify(task.payload),
        taskId: task.taskId,
        attempt: task.attempt,
        capability: task.capability,
        ...(typeof userId === "string" && userId.trim() !== "" ? { userId } : {}),
        traceId: ctx.trace.traceId,
        traceparent: ctx.trace.traceparent,
        at: ctx.clock.now(),
      });
      await runHop(environment(), runId);
      return [];
    }
    if (RunContinued.is(event)) {
      const parsed = RunContinued.parse(event);
      if (!parsed.ok) throw new NonRetryableError(parsed.error);
      await runHop(environment(), parsed.data.runId);
      return [];
    }
    if (TaskFinished.is(event)) {
      const parsed = TaskFinished.parse(event);
      if (!parsed.ok) throw new NonRetryableError(parsed.error);
      return wakeForTask(ctx, parsed.data.taskId);
    }
    if (ApprovalDecided.is(event)) {
      const parsed = ApprovalDecided.parse(event);
      if (!parsed.ok) throw new NonRetryableError(parsed.error);
      return onDecision(ctx, event, parsed.data);
    }
    if (waited.has(event.type)) return onArrival(ctx, event);
    throw new NonRetryableError(
      `function ${definition.name} does not handle ${event.type}; add it to waitsFor, or check the Trigger filters`,
    );
  };
}

export type { RunFunction };
