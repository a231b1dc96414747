import { type MeshEvent, TaskCompleted, TaskDispatched, TaskFailed } from "@mesh-six/events";
import { NonRetryableError } from "@mesh-six/shared/errors";
import type { FunctionContext } from "@mesh-six/shared/function/define";
import { createLlm } from "@mesh-six/shared/llm/create";
import { LlmError } from "@mesh-six/shared/llm/errors";
import type { Llm } from "@mesh-six/shared/llm/port";
import { learnFrom, userOf, withMemories } from "./memory.ts";

const instructions =
  "You are mesh-six's general agent. Answer the question directly and briefly; say so when you do not know.";

/** The question of a task: `payload.query`, else `payload.prompt`. */
export function questionOf(payload: Record<string, unknown>): string | undefined {
  for (const field of ["query", "prompt"]) {
    const value = payload[field];
    if (typeof value === "string" && value.trim() !== "") return value;
  }
  return undefined;
}

/** The LLM the context carries, else one made from its configuration. */
export function llmFor(ctx: FunctionContext): Llm {
  return ctx.llm ?? createLlm({ config: ctx.config, db: ctx.db, clock: ctx.clock, logger: ctx.logger });
}

/** `task.dispatched` → the LLM's answer as `task.completed`, or `task.failed` with the error type. */
export async function answer(event: MeshEvent, ctx: FunctionContext): Promise<readonly MeshEvent[]> {
  const parsed = TaskDispatched.parse(event);
  if (!parsed.ok) throw new NonRetryableError(parsed.error);
  const task = parsed.data;
  const started = ctx.clock.now();
  const key = { key: `result:${task.taskId}:${task.attempt}`, subject: task.taskId };
  const base = { taskId: task.taskId, agentId: ctx.function, attempt: task.attempt };
  const question = questionOf(task.payload);
  if (!question) {
    return ctx.commit(async () => [
      ctx.emit(
        TaskFailed,
        {
          ...base,
          durationMs: 0,
          error: {
            type: "invalid_input",
            message: 'payload.query is missing: send the question as {"query": "…"} (or {"prompt": "…"})',
            retryable: false,
          },
        },
        key,
      ),
    ]);
  }
  const llm = llmFor(ctx);
  const userId = userOf(task.payload);
  try {
    const remembered = await withMemories(ctx, instructions, question, userId, task.taskId);
    const response = await llm.generate({
      prompt: question,
      instructions: remembered.instructions,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      context: {
        agentId: ctx.function,
        capability: task.capability,
        taskId: task.taskId,
        traceId: ctx.trace.traceId,
        ...(userId ? { userId } : {}),
      },
    });
    const learned = await learnFrom(ctx, { question, answer: response.text, userId, taskId: task.taskId });
    return ctx.commit(async () => [
      ctx.emit(
        TaskCompleted,
        {
          ...base,
          result: {
            answer: response.text,
            model: response.modelId,
            offline: response.offline,
            memories: { recalled: remembered.recalled, learned },
          },
          durationMs: ctx.clock.now() - started,
          usage: response.usage,
        },
        key,
      ),
    ]);
  } catch (error) {
    if (!(error instanceof LlmError)) throw error;
    ctx.logger.warn("LLM call failed", { taskId: task.taskId, type: error.type, error: error.message });
    return ctx.commit(async () => [
      ctx.emit(
        TaskFailed,
        {
          ...base,
          durationMs: ctx.clock.now() - started,
          error: { type: error.type, message: error.message, retryable: error.retryable },
        },
        key,
      ),
    ]);
  }
}
