import type { z } from "zod";
import type { RunContext, StepRetry, StepTaskRequest } from "../run/types.ts";

/** What a tool's `run` is given: the run's context and the step it runs in. */
export interface ToolContext extends Omit<RunContext, "llm"> {
  /** The step that runs this call, e.g. `tool search#2`. */
  readonly step: string;
  /** 1 on the first attempt. */
  readonly attempt: number;
  /** The same on every attempt of this call: pass it to outside systems that accept one. */
  readonly idempotencyKey: string;
}

/** A tool an agent's model may call. */
export interface Tool<Input = unknown, Output = unknown> {
  readonly description: string;
  /** The input the model must give, checked before `run`; its JSON Schema is what the model is shown. */
  readonly input: z.ZodType<Input>;
  /** Does the work; its result (JSON) goes back to the model. Runs as a memoized step. */
  readonly run: (input: Input, ctx: ToolContext) => Promise<Output> | Output;
  /**
   * A person approves each call first (shown the tool and its arguments); a rejected call
   * never runs and the model is told it was refused. A function decides per call.
   */
  readonly needsApproval?: boolean | ((input: Input) => boolean);
  /** How a call that throws a retryable error is tried again (step.do's retry). */
  readonly retry?: StepRetry;
  /**
   * A call that fails for good (after its retries) fails the task with the cause's error
   * type and retry behaviour, instead of being told to the model: for the action a task
   * exists to do (a deploy), whose failure the orchestrator must see to route elsewhere.
   */
  readonly failsTask?: boolean;
  /**
   * A consultation (`consult`): the call is a child task routed by score (`step.task`,
   * step `consult <tool>`) instead of `run`; its result goes back to the model.
   */
  readonly task?: (input: Input) => StepTaskRequest;
}

/** A tool, typed by its input schema (as the AI SDK's `tool`). */
export function tool<Schema extends z.ZodType, Output>(definition: {
  readonly description: string;
  readonly input: Schema;
  readonly run: (input: z.output<Schema>, ctx: ToolContext) => Promise<Output> | Output;
  readonly needsApproval?: boolean | ((input: z.output<Schema>) => boolean);
  readonly retry?: StepRetry;
  readonly failsTask?: boolean;
}): Tool<z.output<Schema>, Output> {
  return definition as Tool<z.output<Schema>, Output>;
}

// biome-ignore lint/suspicious/noExplicitAny: a record of tools of every input and output type
export type AnyTool = Tool<any, any>;

/**
 * A tool that asks another agent: each call becomes a child task for `capability`, routed
 * by score like any task (the best-scored agent that offers it answers), and the model is
 * given that agent's result; a failed child task is told to the model as an error.
 */
export function consult<Schema extends z.ZodType>(definition: {
  readonly description: string;
  readonly input: Schema;
  readonly capability: string;
  /** The child task's payload, from the call's input (default: the input itself). */
  readonly payload?: (input: z.output<Schema>) => Readonly<Record<string, unknown>>;
  readonly priority?: number;
  /** Seconds an attempt of the child task may take. */
  readonly timeout?: number;
}): Tool<z.output<Schema>, unknown> {
  const { capability, payload, priority, timeout, description, input } = definition;
  return {
    description,
    input: input as z.ZodType<z.output<Schema>>,
    task: (input) => ({
      capability,
      payload: payload ? payload(input) : (input as Readonly<Record<string, unknown>>),
      ...(priority === undefined ? {} : { priority }),
      ...(timeout === undefined ? {} : { timeout }),
    }),
    run: () => {
      throw new Error(`a consultation of ${capability} runs as a child task (step.task), never as run()`);
    },
  };
}
