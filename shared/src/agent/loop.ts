import { z } from "zod";
import type { LlmMessage, LlmToolCall, LlmToolSpec, ModelTier } from "../llm/port.ts";
import { StepError, TaskFailure } from "../run/errors.ts";
import type { RunContext, RunFunction, Step, StepLlmResult } from "../run/types.ts";
import { conversationOf, wantsLiveText, withCallerInstructions } from "./conversation.ts";
import { learnFrom, withMemories } from "./memory.ts";
import type { AnyTool } from "./tool.ts";

/** One tool call of a run, as `finish` sees it. */
export interface ToolOutcome {
  readonly tool: string;
  readonly input: unknown;
  readonly result: unknown;
  /** True when the call failed, was refused or had a bad input (`result` is then the message). */
  readonly error: boolean;
}

/** What an agent's `finish` is given: the validated answer and how it came about. */
export interface FinishContext {
  readonly input: unknown;
  readonly step: Step;
  readonly ctx: RunContext;
  /** Every tool call of the run, in order. */
  readonly toolResults: readonly ToolOutcome[];
}

export type AgentFinish = (answer: unknown, run: FinishContext) => unknown;

export interface AgentLoopSettings {
  readonly name: string;
  readonly input: z.ZodType;
  readonly output?: z.ZodType;
  /** The answer's shape for tasks of one capability, instead of `output`. */
  readonly outputs?: Readonly<Record<string, z.ZodType>>;
  readonly instructions: string | ((input: unknown, ctx: RunContext) => string);
  readonly prompt?: (input: unknown, ctx: RunContext) => string;
  readonly tools: Readonly<Record<string, AnyTool>>;
  readonly tier?: ModelTier | ((input: unknown, ctx: RunContext) => ModelTier);
  readonly maxSteps: number;
  readonly maxStepsFor?: (input: unknown, ctx: RunContext) => number;
  readonly lastTurnAnswers?: boolean;
  readonly finish?: AgentFinish;
  readonly memory: { readonly recall: boolean; readonly learn: boolean };
}

/**
 * The agent loop as a durable run. Steps, in order: `recall` (with memory), then `turn`,
 * `turn#2`, … (one LLM call each); after a turn that calls tools, one `tool <name>` step
 * per call (all of a turn's calls at once), each after an `approve <name>` step when the
 * tool needs approval; `repair` when a structured answer did not match; `learn` (with
 * memory). A crash resumes at the first step without a result: no committed LLM call or
 * tool call is made again. A task whose payload carries chat `messages` (the gateway's
 * chat API) gives the model the earlier turns too (conversation.ts); a text agent's answer
 * to a task asking for it live (`payload.stream: true`) is published as the model writes it
 * (`liveText`).
 */
export function agentLoop(settings: AgentLoopSettings): RunFunction {
  const specs = toolSpecs(settings.tools);
  return async (payload, step, ctx) => {
    const parsed = settings.input.safeParse(payload);
    if (!parsed.success) throw new TaskFailure("invalid_input", inputProblem(parsed.error));
    const input = parsed.data;
    const output = (ctx.task && settings.outputs?.[ctx.task.capability]) ?? settings.output;
    const question = (settings.prompt ?? defaultPrompt)(input, ctx);
    const taskId = ctx.task?.taskId ?? ctx.runId;
    const conversation = conversationOf(payload, question);
    const live = !output && wantsLiveText(payload);
    let instructions = withCallerInstructions(
      typeof settings.instructions === "function" ? settings.instructions(input, ctx) : settings.instructions,
      conversation.system,
    );
    let recalled = 0;
    if (settings.memory.recall && ctx.memory?.enabled) {
      const remembered = await step.do("recall", () =>
        withMemories(ctx, instructions, question, ctx.userId, taskId),
      );
      instructions = remembered.instructions;
      recalled = remembered.recalled;
    }
    const tier = typeof settings.tier === "function" ? settings.tier(input, ctx) : settings.tier;
    const messages: LlmMessage[] = conversation.messages;
    const toolResults: ToolOutcome[] = [];
    const turns = settings.maxStepsFor
      ? Math.max(1, Math.min(settings.maxSteps, Math.floor(settings.maxStepsFor(input, ctx))))
      : settings.maxSteps;
    const ask = (name: string, history: readonly LlmMessage[], withTools: boolean) =>
      step.llm(name, {
        messages: history,
        instructions,
        // a text answer asked for live is published as the model writes it (task.progress)
        ...(live ? { liveText: true } : {}),
        ...(withTools && specs ? { tools: specs } : {}),
        ...(tier ? { tier } : {}),
        ...(output ? { schema: output, schemaName: schemaName(settings.name) } : {}),
      });
    for (let turn = 0; turn < turns; turn += 1) {
      const withTools = !(settings.lastTurnAnswers && turn === turns - 1);
      const response = await ask("turn", messages, withTools).catch((error: unknown) =>
        output && error instanceof StepError && error.type === "invalid_output"
          ? repair(error, messages, (retry) => ask("repair", retry, false), settings.name)
          : Promise.reject(error),
      );
      if (response.toolCalls.length === 0) {
        const given = output ? response.object : response.text;
        const answer = settings.finish
          ? await settings.finish(given, { input, step, ctx, toolResults })
          : given;
        const learned =
          settings.memory.learn && ctx.memory?.enabled
            ? await step.do("learn", () =>
                learnFrom(ctx, {
                  question,
                  answer: typeof answer === "string" ? answer : JSON.stringify(answer),
                  userId: ctx.userId,
                  taskId,
                }),
              )
            : 0;
        if (output) return answer;
        return {
          answer,
          model: response.modelId,
          offline: response.offline,
          ...(settings.memory.recall || settings.memory.learn ? { memories: { recalled, learned } } : {}),
        };
      }
      messages.push({ role: "assistant", content: response.text, toolCalls: response.toolCalls });
      const results = await step.all(
        response.toolCalls.map((call) => callTool(step, ctx, settings.tools, call)),
      );
      messages.push(...results);
      results.forEach((result, index) => {
        const call = response.toolCalls[index];
        if (result.role !== "tool" || !call) return;
        toolResults.push({
          tool: call.name,
          input: call.input,
          result: result.result,
          error: result.error === true,
        });
      });
    }
    throw new TaskFailure(
      "unhandled",
      `${settings.name} took ${turns} LLM turns (its maxSteps) without a final answer: the model still called tools on its last turn; raise maxSteps or narrow the task`,
    );
  };
}

/** One repair turn for a structured answer that did not match: the model is shown its answer and what is wrong with it. */
async function repair(
  error: StepError,
  messages: readonly LlmMessage[],
  ask: (conversation: readonly LlmMessage[]) => Promise<StepLlmResult>,
  agent: string,
): Promise<StepLlmResult> {
  const answer = typeof error.detail?.answer === "string" ? error.detail.answer : "";
  try {
    return await ask([
      ...messages,
      { role: "assistant", content: answer },
      {
        role: "user",
        content: `That answer does not match the required JSON schema (${error.message}). Answer again with only JSON that matches the schema.`,
      },
    ]);
  } catch (again) {
    if (again instanceof StepError && again.type === "invalid_output") {
      throw new TaskFailure(
        "invalid_output",
        `${agent}'s answer did not match its output schema, even after a repair turn: ${again.message}`,
      );
    }
    throw again;
  }
}

/** One tool call: checked, approved by a person when the tool says so, run as a memoized step; what the model is told back. */
async function callTool(
  step: Step,
  ctx: RunContext,
  tools: Readonly<Record<string, AnyTool>>,
  call: LlmToolCall,
): Promise<LlmMessage> {
  const answer = (result: unknown, error = false): LlmMessage => ({
    role: "tool",
    toolCallId: call.id,
    toolName: call.name,
    result,
    ...(error ? { error } : {}),
  });
  const chosen = tools[call.name];
  if (!chosen) {
    return answer(
      `there is no tool named "${call.name}"; the tools are: ${Object.keys(tools).join(", ")}`,
      true,
    );
  }
  const parsed = chosen.input.safeParse(call.input);
  if (!parsed.success)
    return answer(`invalid input for ${call.name}: ${z.prettifyError(parsed.error)}`, true);
  const needsApproval =
    typeof chosen.needsApproval === "function"
      ? chosen.needsApproval(parsed.data)
      : chosen.needsApproval === true;
  if (needsApproval) {
    const decision = await step.approval(`approve ${call.name}`, {
      action: `call the tool ${call.name}`,
      reason: chosen.description,
      details: { tool: call.name, arguments: parsed.data },
    });
    if (!decision.approved) {
      return answer(
        `a person rejected this call${decision.reason ? `: ${decision.reason}` : ""}${decision.timedOut ? " (nobody decided in time)" : ""}; it was not made, do not try it again`,
        true,
      );
    }
  }
  try {
    if (chosen.task)
      return answer((await step.task(`consult ${call.name}`, chosen.task(parsed.data))) ?? null);
    const result = await step.do(
      `tool ${call.name}`,
      (work) =>
        chosen.run(parsed.data, {
          ...ctx,
          step: work.step,
          attempt: work.attempt,
          idempotencyKey: work.idempotencyKey,
        }),
      chosen.retry ? { retry: chosen.retry } : {},
    );
    return answer(result ?? null);
  } catch (error) {
    if (error instanceof StepError && !chosen.failsTask) return answer(error.message, true);
    throw error;
  }
}

function toolSpecs(tools: Readonly<Record<string, AnyTool>>): Record<string, LlmToolSpec> | undefined {
  const entries = Object.entries(tools);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(
    entries.map(([name, each]) => {
      const { $schema: _, ...inputSchema } = z.toJSONSchema(each.input, {
        io: "input",
        unrepresentable: "any",
      }) as Record<string, unknown>;
      return [name, { description: each.description, inputSchema }];
    }),
  );
}

/** The payload problem as `invalid_input` says it: the field, what is wrong. */
function inputProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  const field = issue?.path.length ? `payload.${issue.path.join(".")}` : "payload";
  const more =
    error.issues.length > 1 ? ` (and ${error.issues.length - 1} more: ${z.prettifyError(error)})` : "";
  return `${field}: ${issue?.message ?? "invalid"}${more}`;
}

function defaultPrompt(input: unknown, _ctx?: RunContext): string {
  if (input && typeof input === "object") {
    for (const field of ["query", "prompt", "question"]) {
      const value = (input as Record<string, unknown>)[field];
      if (typeof value === "string" && value.trim() !== "") return value;
    }
  }
  return JSON.stringify(input);
}

function schemaName(agent: string): string {
  return agent.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64);
}
