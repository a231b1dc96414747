import { TaskCompleted, TaskDispatched, TaskFailed } from "@mesh-six/events";
import { NonRetryableError } from "@mesh-six/shared/errors";
import {
  type DependencyCheck,
  defineFunction,
  type FunctionDefinition,
} from "@mesh-six/shared/function/define";

export type Behaviour = "succeed" | "fail" | "ignore";

/** What a test agent does; the test flips these between phases. */
export interface AgentControl {
  /** "succeed" → task.completed, "fail" → task.failed (api_error), "ignore" → no answer at all. */
  behaviour: Behaviour;
  /** Behaviours for the next dispatches, in order; `behaviour` again once they are used up. */
  next: Behaviour[];
  /** Task ids it was dispatched, in order, with the attempt. */
  readonly received: { taskId: string; attempt: number; priority: number }[];
}

export function agentControl(): AgentControl {
  return { behaviour: "succeed", next: [], received: [] };
}

export interface TestAgentOptions {
  readonly capability: string;
  readonly weight: number;
  /** Its capability's dependency check: an HTTP probe of the outside system it needs. */
  readonly dependency?: DependencyCheck;
}

/** A real function on the broker whose health and results the test controls. */
export function testAgent(
  name: string,
  options: TestAgentOptions,
  control: AgentControl,
): FunctionDefinition {
  return defineFunction({
    name,
    description: `test agent for ${options.capability}`,
    capabilities: [
      {
        name: options.capability,
        weight: options.weight,
        ...(options.dependency ? { dependencies: [options.dependency.name] } : {}),
      },
    ],
    ...(options.dependency ? { dependencyChecks: [options.dependency] } : {}),
    subscriptions: [{ name: "tasks", attributes: { type: TaskDispatched.type, meshagent: name } }],
    async handler(event, ctx) {
      const parsed = TaskDispatched.parse(event);
      if (!parsed.ok) throw new NonRetryableError(parsed.error);
      const task = parsed.data;
      control.received.push({ taskId: task.taskId, attempt: task.attempt, priority: task.priority });
      const base = { taskId: task.taskId, agentId: name, attempt: task.attempt, durationMs: 25 };
      const key = { key: `result:${task.taskId}:${task.attempt}`, subject: task.taskId };
      const behaviour = control.next.shift() ?? control.behaviour;
      return ctx.commit(async () => {
        if (behaviour === "ignore") return [];
        if (behaviour === "succeed") {
          return [ctx.emit(TaskCompleted, { ...base, result: { deployedBy: name } }, key)];
        }
        return [
          ctx.emit(
            TaskFailed,
            {
              ...base,
              error: { type: "api_error", message: `${name}: upstream answered 502`, retryable: true },
            },
            key,
          ),
        ];
      });
    },
  });
}
