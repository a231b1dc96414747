import { errorMessage } from "../errors.ts";
import { formatMemories } from "../memory/prompt.ts";
import type { RunContext } from "../run/types.ts";

/** What recall and learning use of a run's context. */
type MemoryContext = Pick<RunContext, "memory" | "trace" | "signal" | "logger">;

/**
 * The instructions with what the agent remembers about the user that bears on the question
 * (nothing without `ctx.memory`, or when memory is off for the agent). Memory helps but is
 * not needed to answer: when recall fails, the question is answered without it.
 */
export async function withMemories(
  ctx: MemoryContext,
  instructions: string,
  question: string,
  userId: string | undefined,
  taskId?: string,
): Promise<{ instructions: string; recalled: number }> {
  if (!ctx.memory?.enabled) return { instructions, recalled: 0 };
  try {
    const memories = await ctx.memory.recall(question, {
      userId: userId ?? null,
      traceId: ctx.trace.traceId,
      ...(taskId ? { taskId } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    const block = formatMemories(memories);
    return { instructions: block ? `${instructions}\n\n${block}` : instructions, recalled: memories.length };
  } catch (error) {
    ctx.logger.warn("could not recall memories; answering without them", { error: errorMessage(error) });
    return { instructions, recalled: 0 };
  }
}

/**
 * Remembers what the conversation says about the user (only for a known user: facts of an
 * anonymous conversation would be shown to everyone). Best effort, like recall: the answer
 * stands when this fails. Resolves with how many facts were stored or refreshed.
 */
export async function learnFrom(
  ctx: MemoryContext,
  exchange: { question: string; answer: string; userId: string | undefined; taskId: string },
): Promise<number> {
  if (!ctx.memory?.enabled || exchange.userId === undefined) return 0;
  try {
    const learned = await ctx.memory.learn(
      [
        { role: "user", content: exchange.question },
        { role: "assistant", content: exchange.answer },
      ],
      {
        userId: exchange.userId,
        taskId: exchange.taskId,
        traceId: ctx.trace.traceId,
        metadata: { taskId: exchange.taskId },
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      },
    );
    return learned.remembered.length;
  } catch (error) {
    ctx.logger.warn("could not store what the task taught; the answer stands", {
      error: errorMessage(error),
    });
    return 0;
  }
}
