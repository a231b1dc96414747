import { TaskDispatched, TaskProgress, TaskRequested } from "@mesh-six/events";
import { describe, expect, it } from "vitest";
import { NonRetryableError } from "../errors.ts";
import { traceOf } from "../log/trace.ts";
import { createEmitter } from "./emit.ts";
import { deriveEventId } from "./ids.ts";

const cause = TaskRequested.create({
  source: "/mesh-six/gateway",
  id: "request-1",
  data: { capability: "general-query" },
  extensions: { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" },
});

function emitter() {
  return createEmitter({ functionName: "orchestrator", cause, trace: traceOf(cause), now: () => 0 });
}

const progress = { taskId: "request-1", agentId: "orchestrator", message: "working" };

describe("ctx.emit", () => {
  it("derives the id from function, incoming source and id, and the type with the call index", () => {
    const emit = emitter();
    const first = emit(TaskProgress, progress);
    const second = emit(TaskProgress, progress);
    expect(first.id).toBe(
      deriveEventId("orchestrator", "/mesh-six/gateway", "request-1", "dev.meshsix.task.progress:0"),
    );
    expect(second.id).toBe(
      deriveEventId("orchestrator", "/mesh-six/gateway", "request-1", "dev.meshsix.task.progress:1"),
    );
    expect(emitter()(TaskProgress, progress).id).toBe(first.id);
  });

  it("uses the key when given, so ids survive a change in emission order", () => {
    const keyed = emitter()(TaskProgress, progress, { key: "progress" });
    const emit = emitter();
    emit(TaskProgress, progress);
    expect(emit(TaskProgress, progress, { key: "progress" }).id).toBe(keyed.id);
  });

  it("sets subject and routing extensions", () => {
    const event = emitter()(
      TaskDispatched,
      {
        taskId: "request-1",
        capability: "general-query",
        agentId: "simple-agent",
        attempt: 1,
        payload: {},
        priority: 5,
        deadline: "2026-01-01T00:02:00.000Z",
      },
      { subject: "request-1", extensions: { meshagent: "simple-agent" } },
    );
    expect(event).toMatchObject({
      source: "/mesh-six/orchestrator",
      subject: "request-1",
      meshagent: "simple-agent",
      time: "1970-01-01T00:00:00.000Z",
    });
  });

  it("refuses a key used twice, which would make two follow-ups one", () => {
    const emit = emitter();
    emit(TaskProgress, progress, { key: "same" });
    expect(() => emit(TaskProgress, progress, { key: "same" })).toThrow(/key "same" was already used/);
  });

  it("refuses extension names CloudEvents does not allow, or that the runtime sets", () => {
    expect(() => emitter()(TaskProgress, progress, { extensions: { "mesh-agent": "x" } })).toThrow(
      /1–20 lowercase letters and digits/,
    );
    expect(() => emitter()(TaskProgress, progress, { extensions: { traceparent: "x" } })).toThrow(
      /the runtime sets/,
    );
  });

  it("turns invalid data into a NonRetryableError naming the field", () => {
    const emit = emitter();
    const invalid = { ...progress, percent: 150 };
    expect(() => emit(TaskProgress, invalid)).toThrow(NonRetryableError);
    expect(() => emit(TaskProgress, invalid)).toThrow(/percent/);
  });
});
