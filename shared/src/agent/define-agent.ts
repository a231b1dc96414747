import { z } from "zod";
import { memoryConfig } from "../config/memory.ts";
import { defineFunction } from "../function/define.ts";
import type { FunctionDefinition } from "../function/types.ts";
import type { ModelTier } from "../llm/port.ts";
import type { RunContext } from "../run/types.ts";
import { type AgentFinish, agentLoop, type FinishContext } from "./loop.ts";
import type { AnyTool } from "./tool.ts";

/** What an agent is: a function whose run is the agent loop. */
export interface AgentDefinition<Input extends z.ZodType, Output extends z.ZodType | undefined = undefined>
  extends Omit<FunctionDefinition, "run" | "handler" | "runSettings"> {
  /** The task payload, parsed before the agent sees it: a bad payload fails at once as `invalid_input`, naming the field. */
  readonly input: Input;
  /**
   * The answer's shape (structured output), validated; one repair turn, then the task fails
   * as `invalid_output`. Without it the agent answers text: `{answer, model, offline, memories}`.
   */
  readonly output?: Output;
  /** The answer's shape for the tasks of one capability (`debug-pods` answers a DebugResult), instead of `output`. */
  readonly outputs?: Readonly<Record<string, z.ZodType>>;
  /** The system instructions, or a function of the input. */
  readonly instructions: string | ((input: z.output<Input>, ctx: RunContext) => string);
  /** What the model is asked (the task's capability is `ctx.task.capability`): default `query`, else `prompt`, else `question`, else the input as JSON. */
  readonly prompt?: (input: z.output<Input>, ctx: RunContext) => string;
  readonly tools?: Readonly<Record<string, AnyTool>>;
  /** The model tier, or one chosen per task (by its complexity, …); the configured default when omitted. */
  readonly tier?: ModelTier | ((input: z.output<Input>, ctx: RunContext) => ModelTier);
  /** LLM turns one task may take (each a step); default 6. */
  readonly maxSteps?: number;
  /** The turns this task may take (by its depth, …), at most `maxSteps`. */
  readonly maxStepsFor?: (input: z.output<Input>, ctx: RunContext) => number;
  /** The last allowed turn is offered no tools, so the model answers with what it has instead of failing at the limit. */
  readonly lastTurnAnswers?: boolean;
  /**
   * Runs after the final answer (validated against `output`), before `learn`: its return is
   * the task's result. Side effects go in `run.step.do` (storing a decision in memory, …);
   * `run.toolResults` holds every tool call of the run, so the result can cite what the tools gave.
   */
  readonly finish?: (
    answer: Output extends z.ZodType ? z.output<Output> : string,
    run: FinishContext & { readonly input: z.output<Input> },
  ) => unknown;
  /** Recall what it remembers about the user before answering, and learn from the exchange after; default off. */
  readonly memory?: boolean | { readonly recall?: boolean; readonly learn?: boolean };
  /** Limits and pacing of its runs (docs/runs.md). */
  readonly runSettings?: FunctionDefinition["runSettings"];
}

/** What an agent's definition tells about it besides its function: for its agent card, its tests, its docs. */
export interface AgentInfo {
  readonly inputSchema: Record<string, unknown>;
  readonly outputSchema?: Record<string, unknown>;
  /** The output schema of each capability that has its own. */
  readonly outputSchemas?: Readonly<Record<string, Record<string, unknown>>>;
  readonly tools: readonly {
    readonly name: string;
    readonly description: string;
    readonly needsApproval: boolean;
  }[];
  readonly maxSteps: number;
}

export type AgentFunction = FunctionDefinition & { readonly agent: AgentInfo };

/**
 * An agent as an ordinary function definition whose run is the agent loop (loop.ts):
 * the payload parsed with `input`, each LLM turn a `step.llm`, each tool call a
 * `step.do` (parallel calls as parallel steps), a tool that needs approval waiting for a
 * person first, the final answer checked against `output`. It subscribes to the tasks
 * dispatched to it, its continuations and its waits like any run function.
 */
export function defineAgent<Input extends z.ZodType, Output extends z.ZodType | undefined = undefined>(
  definition: AgentDefinition<Input, Output>,
): AgentFunction {
  const {
    input,
    output,
    outputs,
    instructions,
    prompt,
    tools = {},
    tier,
    maxSteps = 6,
    maxStepsFor,
    lastTurnAnswers,
    finish,
    memory,
    runSettings,
    ...functionDefinition
  } = definition;
  if (!Number.isInteger(maxSteps) || maxSteps < 1 || maxSteps > 100) {
    throw new Error(
      `agent ${definition.name}: maxSteps must be a whole number from 1 to 100, got ${maxSteps}`,
    );
  }
  for (const name of Object.keys(tools)) {
    if (!/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/.test(name)) {
      throw new Error(
        `agent ${definition.name}: the tool name "${name}" must be 1–64 letters, digits, _ or -, starting with a letter (what model APIs accept)`,
      );
    }
  }
  const agent: AgentInfo = {
    inputSchema: jsonSchemaOf(input),
    ...(output ? { outputSchema: jsonSchemaOf(output) } : {}),
    ...(outputs
      ? {
          outputSchemas: Object.fromEntries(
            Object.entries(outputs).map(([capability, schema]) => [capability, jsonSchemaOf(schema)]),
          ),
        }
      : {}),
    tools: Object.entries(tools).map(([name, each]) => ({
      name,
      description: each.description,
      needsApproval: each.needsApproval !== undefined && each.needsApproval !== false,
    })),
    maxSteps,
  };
  const run = agentLoop({
    name: definition.name,
    input,
    ...(output ? { output } : {}),
    ...(outputs ? { outputs } : {}),
    instructions: instructions as string | ((input: unknown, ctx: RunContext) => string),
    ...(prompt ? { prompt: prompt as (input: unknown, ctx: RunContext) => string } : {}),
    tools,
    ...(tier ? { tier: tier as ModelTier | ((input: unknown, ctx: RunContext) => ModelTier) } : {}),
    maxSteps,
    ...(maxStepsFor ? { maxStepsFor: maxStepsFor as (input: unknown, ctx: RunContext) => number } : {}),
    ...(lastTurnAnswers ? { lastTurnAnswers } : {}),
    ...(finish ? { finish: finish as AgentFinish } : {}),
    memory: memorySettings(memory),
  });
  // an agent with memory reads the embedder's variables too; every run gets the LLM's (expandRun)
  const remembers = memory !== undefined && memory !== false;
  const own = functionDefinition.config;
  const config = remembers ? z.object({ ...memoryConfig.shape, ...(own ? own.shape : {}) }) : own;
  return {
    ...defineFunction({
      ...functionDefinition,
      ...(config ? { config } : {}),
      run,
      ...(runSettings ? { runSettings } : {}),
    }),
    agent,
  };
}

function memorySettings(memory: AgentDefinition<z.ZodType>["memory"]) {
  if (memory === true) return { recall: true, learn: true };
  if (!memory) return { recall: false, learn: false };
  return { recall: memory.recall ?? true, learn: memory.learn ?? true };
}

export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
}
