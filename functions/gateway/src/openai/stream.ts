import { stringifyJson } from "@mesh-six/shared/broker/raw-json";
import type { TaskRecord } from "@mesh-six/shared/registry/tasks";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { answerText, type CompletionHeader, chunk, taskUsage } from "./completion.ts";
import { chatFailure, stillRunning } from "./failure.ts";
import { createTextAssembler, type LivePiece, liveTextAfter } from "./live-text.ts";
import { type ChatWatch, chatWaitSeconds, pause, readFinished } from "./wait.ts";

export interface StreamSettings extends ChatWatch {
  readonly header: CompletionHeader;
  /** The event log row the task's live text comes after. */
  readonly cursor: number;
  readonly includeUsage: boolean;
}

/**
 * A streamed chat: the task's live text (its agent's `task.progress` pieces, read from the
 * event log) as `chat.completion.chunk` events, then what the final answer adds, the finish
 * chunk, the usage chunk when asked for (`stream_options.include_usage`), `data: [DONE]`.
 * The answer starts once the first piece arrives or the task ends, so a task that fails
 * before writing anything gets its error status (5xx, or 400 for input its agent refused);
 * one that fails later ends the stream with an error event in OpenAI's shape.
 */
export async function streamChat(context: Context, settings: StreamSettings): Promise<Response> {
  const { db, taskId } = settings;
  let cursor = settings.cursor;
  let first: LivePiece[] = [];
  let task: TaskRecord | undefined;
  for (;;) {
    const read = await liveTextAfter(db, taskId, cursor);
    cursor = read.cursor;
    if (read.pieces.length > 0) {
      first = read.pieces;
      break;
    }
    task = await readFinished(db, taskId);
    if (task?.status === "failed") {
      const failure = chatFailure(taskId, task.error);
      return context.json(failure.body, failure.status as 400);
    }
    if (task) break;
    if (!(await pause(settings))) {
      const failure = stillRunning(taskId, chatWaitSeconds);
      return context.json(failure.body, failure.status as 504);
    }
  }
  return streamSSE(context, async (stream) => {
    const send = (value: unknown) => stream.writeSSE({ data: stringifyJson(value) });
    const { header, includeUsage } = settings;
    const assembler = createTextAssembler();
    let anySent = false;
    const write = async (text: string) => {
      if (text === "") return;
      anySent = true;
      await send(chunk(header, { delta: { content: text } }, includeUsage));
    };
    await send(chunk(header, { delta: { role: "assistant", content: "" } }, includeUsage));
    for (const piece of first) await write(assembler.take(piece));
    while (!task) {
      if (!(await pause(settings))) return; // the caller left, or the time ran out: the task goes on
      const read = await liveTextAfter(db, taskId, cursor);
      cursor = read.cursor;
      for (const piece of read.pieces) await write(assembler.take(piece));
      if (read.pieces.length === 0) task = await readFinished(db, taskId);
    }
    if (task.status === "failed") {
      await send(chatFailure(taskId, task.error).body);
    } else {
      await write(assembler.rest(answerText(task.result), anySent));
      await send(chunk(header, { finish: "stop" }, includeUsage));
      if (includeUsage) await send(chunk(header, { usage: await taskUsage(db, taskId) }, true));
    }
    await stream.writeSSE({ data: "[DONE]" });
  });
}
