import { z } from "zod";
import { defineEvent } from "./define.ts";

const id = z.string().min(1).max(200);
const usage = z.object({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative().default(0),
});
export type TokenUsage = z.output<typeof usage>;

export const errorTypes = [
  "timeout",
  "api_error",
  "rate_limited",
  "permission",
  "invalid_input",
  "invalid_output",
  "budget_exceeded",
  "no_agent",
  "cancelled",
  "unhandled",
] as const;
export const taskError = z.object({
  type: z.enum(errorTypes),
  message: z.string(),
  retryable: z.boolean().default(false),
});
export type TaskError = z.output<typeof taskError>;

const attempt = z.object({
  agentId: z.string(),
  attempt: z.number().int().positive(),
  success: z.boolean(),
  error: taskError.optional(),
  durationMs: z.number().nonnegative().optional(),
});
export type TaskAttempt = z.output<typeof attempt>;

export const TaskRequested = defineEvent("dev.meshsix.task.requested", {
  description:
    "Someone asks the fleet for work. The orchestrator routes it to the best-scored agent. The task id is taskId when given, else the event id.",
  fromOutside: true,
  schema: z.object({
    taskId: id.optional(),
    capability: z.string().min(1).max(100),
    payload: z.record(z.string(), z.unknown()).default({}),
    priority: z.number().int().min(0).max(10).default(5),
    timeout: z.number().int().positive().max(86_400).default(120),
    requestedBy: z.string().max(200).optional(),
    /** Only this agent may take the task: it is routed among that agent alone (the chat API's agent models). */
    agent: z
      .string()
      .regex(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/, "an agent's name (DNS-1123 label)")
      .optional(),
    /** A function to tell when the task finishes: task.finished carries meshreplyto=<it> (a run's child task). */
    replyTo: z
      .string()
      .regex(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/, "a function name (DNS-1123 label)")
      .optional(),
  }),
});

export const TaskDispatched = defineEvent("dev.meshsix.task.dispatched", {
  description:
    "The orchestrator hands a task to one agent; the meshagent extension names it so one Trigger per agent can filter.",
  schema: z.object({
    taskId: id,
    capability: z.string(),
    agentId: z.string(),
    attempt: z.number().int().positive(),
    payload: z.record(z.string(), z.unknown()),
    priority: z.number().int().min(0).max(10),
    deadline: z.string().describe("ISO-8601 time after which the attempt counts as timed out"),
  }),
});

export const TaskProgress = defineEvent("dev.meshsix.task.progress", {
  description: "An agent reports progress on a task it holds.",
  terminal: true,
  schema: z.object({
    taskId: id,
    agentId: z.string(),
    message: z.string(),
    percent: z.number().min(0).max(100).optional(),
    /** The durable run doing the work, and the step the message is about. */
    runId: id.optional(),
    step: z.string().optional(),
    /**
     * A piece of the step's answer as the model writes it (live text, best-effort: a piece
     * may be lost or come twice), and where it starts in the text of that step's attempt.
     */
    text: z.string().optional(),
    offset: z.number().int().nonnegative().optional(),
    attempt: z.number().int().positive().optional(),
  }),
});

export const TaskCompleted = defineEvent("dev.meshsix.task.completed", {
  description: "An agent finished its attempt at a task successfully.",
  schema: z.object({
    taskId: id,
    agentId: z.string(),
    attempt: z.number().int().positive(),
    result: z.unknown(),
    durationMs: z.number().nonnegative(),
    usage: usage.optional(),
  }),
});

export const TaskFailed = defineEvent("dev.meshsix.task.failed", {
  description: "An agent's attempt at a task failed; the orchestrator may re-route it.",
  schema: z.object({
    taskId: id,
    agentId: z.string(),
    attempt: z.number().int().positive(),
    error: taskError,
    durationMs: z.number().nonnegative(),
    usage: usage.optional(),
  }),
});

export const TaskFinished = defineEvent("dev.meshsix.task.finished", {
  description:
    "The orchestrator closed a task: succeeded with the winning result, or failed with every attempt listed.",
  terminal: true,
  schema: z.object({
    taskId: id,
    capability: z.string(),
    status: z.enum(["succeeded", "failed"]),
    result: z.unknown().optional(),
    error: taskError.optional(),
    attempts: z.array(attempt),
  }),
});
