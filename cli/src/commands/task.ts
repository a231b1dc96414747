import { z } from "zod";
import {
  booleanOption,
  type Command,
  type CommandInput,
  type Io,
  RemoteError,
  stringOption,
  UsageError,
} from "../command.ts";
import { endpoint, sendForJson } from "../http.ts";

export const defaultCapability = "general-query";
const questionHelp = 'what to ask, e.g. "What is 2+2?" (or give it as payload.query in --payload)';
/** The longest a single GET /tasks/:id long-poll waits; the command asks again until its own wait ends. */
const pollSeconds = 30;

const attempt = z.looseObject({
  agentId: z.string(),
  attempt: z.number(),
  success: z.boolean().optional(),
  error: z.looseObject({ type: z.string(), message: z.string() }).optional(),
});
const taskView = z.looseObject({
  id: z.string(),
  capability: z.string(),
  status: z.enum(["requested", "dispatched", "succeeded", "failed"]),
  result: z.unknown().optional(),
  error: z.looseObject({ type: z.string(), message: z.string() }).optional(),
  agentId: z.string().nullable().optional(),
  attempts: z.array(attempt),
});
type TaskView = z.output<typeof taskView>;
const accepted = z.looseObject({ taskId: z.string() });

function whole(input: CommandInput, name: string, min: number, max: number): number | undefined {
  const text = stringOption(input, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got '${text}')`);
  }
  return Number(text);
}

/**
 * The task's payload: --payload's object with the question as `query`. The question is the
 * argument or payload.query, not both; without either there is nothing to ask.
 */
function payloadOf(input: CommandInput): Record<string, unknown> {
  const question = input.positionals[0];
  const text = stringOption(input, "payload");
  const payload = text === undefined ? {} : parsePayload(text);
  if (question === undefined) {
    if ("query" in payload) return payload;
    throw new UsageError(`missing <question>: ${questionHelp}`);
  }
  if (question.trim() === "") {
    throw new UsageError('<question> must not be empty; ask something, e.g. "What is 2+2?"');
  }
  if ("query" in payload) {
    throw new UsageError(
      "the question is given twice, as <question> and as payload.query in --payload; give one or the other",
    );
  }
  return { query: question, ...payload };
}

function parsePayload(text: string): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    payload = undefined;
  }
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) {
    throw new UsageError(`--payload must be a JSON object, e.g. '{"service":"api"}' (got '${text}')`);
  }
  return payload as Record<string, unknown>;
}

/** --capability as POST /tasks takes it: 1 to 100 characters. */
function capabilityOf(input: CommandInput): string {
  const capability = stringOption(input, "capability") ?? defaultCapability;
  if (capability.trim() === "") {
    throw new UsageError(`--capability must name a capability, e.g. ${defaultCapability}`);
  }
  if (capability.length > 100) {
    throw new UsageError(`--capability must be at most 100 characters (got ${capability.length})`);
  }
  return capability;
}

/** The answer text of a finished task: `result.answer` when there is one, else the result as JSON. */
export function formatResult(result: unknown): string {
  if (result && typeof result === "object" && typeof (result as { answer?: unknown }).answer === "string") {
    return (result as { answer: string }).answer;
  }
  return typeof result === "string" ? result : JSON.stringify(result, null, 2);
}

function describeFailure(task: TaskView): string {
  const lines = [
    `task ${task.id} failed: ${task.error?.type ?? "error"}: ${task.error?.message ?? "no reason given"}`,
  ];
  for (const entry of task.attempts) {
    const outcome = entry.success
      ? "succeeded"
      : entry.error
        ? `${entry.error.type}: ${entry.error.message}`
        : "no result";
    lines.push(`  attempt ${entry.attempt} on ${entry.agentId}: ${outcome}`);
  }
  return lines.join("\n");
}

/** Asks GET /tasks/:id until the task has finished or `seconds` have passed; undefined if it never showed up. */
async function waitFor(
  input: CommandInput,
  io: Io,
  taskId: string,
  seconds: number,
): Promise<TaskView | undefined> {
  const until = io.clock.now() + seconds * 1000;
  let latest: TaskView | undefined;
  for (;;) {
    const left = Math.ceil((until - io.clock.now()) / 1000);
    const url = endpoint(input.url, `/tasks/${encodeURIComponent(taskId)}`, {
      wait: Math.max(0, Math.min(pollSeconds, left)),
    });
    const response = await io
      .fetch(url, { headers: { accept: "application/json" }, signal: io.signal })
      .catch(() => undefined);
    if (response?.status === 404) {
      await response.body?.cancel();
    } else {
      const view = await sendForJson(io, url, taskView);
      latest = view;
      if (view.status === "succeeded" || view.status === "failed") return view;
    }
    if (io.clock.now() >= until) return latest;
    if (!response || response.status === 404) await io.clock.sleep(200, io.signal);
  }
}

const taskCommand: Command = {
  name: "task",
  summary: "Ask the fleet something and print the answer (a task for the best-scored agent)",
  description: [
    "Posts a task to the mesh (POST /tasks) with the question as payload.query (merged into",
    "--payload's object; a question there instead of the argument is fine, both is refused), for the",
    `capability --capability (default ${defaultCapability}), and waits for the answer: prints`,
    "the agent's answer, or the failure with every attempt. With --wait 0 it prints the task id",
    "and returns at once.",
  ].join("\n"),
  positionals: [{ name: "question", description: questionHelp, optional: true }],
  options: {
    capability: {
      type: "string",
      short: "c",
      placeholder: "name",
      description: `capability to route by (default ${defaultCapability})`,
    },
    wait: {
      type: "string",
      short: "w",
      placeholder: "seconds",
      description: "how long to wait for the answer (default 60; 0 = do not wait)",
    },
    priority: {
      type: "string",
      short: "p",
      placeholder: "0-10",
      description: "priority, 0 low to 10 critical (default 5)",
    },
    timeout: {
      type: "string",
      placeholder: "seconds",
      description: "how long an agent may take per attempt (default 120)",
    },
    payload: { type: "string", placeholder: "json", description: "more payload fields as a JSON object" },
    json: { type: "boolean", description: "print the whole task as JSON" },
  },
  examples: [
    'mesh task "What is 2+2?"',
    'mesh task "Deploy the api service" --capability deploy-service --payload \'{"service":"api"}\' --priority 2',
    'mesh task --payload \'{"query":"What is 2+2?","userId":"u1"}\' --wait 0',
  ],
  async run(input, io) {
    const wait = whole(input, "wait", 0, 3600) ?? 60;
    const priority = whole(input, "priority", 0, 10);
    const timeout = whole(input, "timeout", 1, 86_400);
    const body = {
      capability: capabilityOf(input),
      payload: payloadOf(input),
      ...(priority === undefined ? {} : { priority }),
      ...(timeout === undefined ? {} : { timeout }),
      requestedBy: "mesh-cli",
    };
    const { taskId } = await sendForJson(io, endpoint(input.url, "/tasks"), accepted, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (wait === 0) {
      io.stdout(`${taskId}\n`);
      return;
    }
    const task = await waitFor(input, io, taskId, wait);
    if (booleanOption(input, "json") && task) io.stdout(`${JSON.stringify(task, null, 2)}\n`);
    if (!task || task.status === "requested")
      throw new RemoteError(
        `task ${taskId} was accepted but the orchestrator has not picked it up within ${wait} s; is the mesh running its orchestrator?`,
      );
    if (task.status === "dispatched") {
      throw new RemoteError(
        `no answer within ${wait} s; task ${taskId} is still with ${task.agentId ?? "an agent"} (attempt ${task.attempts.length}); see ${endpoint(input.url, `/tasks/${taskId}`).href}`,
      );
    }
    if (task.status === "failed") throw new RemoteError(describeFailure(task));
    if (!booleanOption(input, "json")) io.stdout(`${formatResult(task.result)}\n`);
  },
};

export const taskCommands: readonly Command[] = [taskCommand];
