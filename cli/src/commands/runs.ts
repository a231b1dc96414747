import { z } from "zod";
import { booleanOption, type Command, countOption, stringOption, UsageError } from "../command.ts";
import { endpoint, sendForJson } from "../http.ts";
import { formatTable } from "../table.ts";

const statuses = ["running", "waiting", "succeeded", "failed", "cancelled"] as const;

const summary = z.looseObject({
  id: z.string(),
  function: z.string(),
  status: z.string(),
  taskId: z.string().optional(),
  steps: z.number(),
  hops: z.number(),
  createdAt: z.string(),
  error: z.looseObject({ message: z.string() }).optional(),
});

const step = z.looseObject({
  position: z.number(),
  name: z.string(),
  kind: z.string(),
  status: z.string(),
  attempts: z.number(),
  durationMs: z.number().optional(),
  usage: z.looseObject({ promptTokens: z.number(), completionTokens: z.number() }).optional(),
  error: z.looseObject({ message: z.string() }).optional(),
  waitsFor: z
    .looseObject({ type: z.string().optional(), key: z.string().optional(), until: z.string().optional() })
    .optional(),
});

const detail = summary.extend({
  input: z.unknown(),
  output: z.unknown().optional(),
  usage: z.object({ promptTokens: z.number(), completionTokens: z.number(), costUsd: z.number() }),
  steps: z.array(step),
  approvals: z.array(z.looseObject({ id: z.string(), status: z.string() })),
});

const listCommand: Command = {
  name: "runs list",
  summary: "List durable runs, newest first",
  options: {
    status: {
      type: "string",
      placeholder: "status",
      description: `only runs in this state (${statuses.join(", ")})`,
    },
    function: { type: "string", placeholder: "name", description: "only this function's runs" },
    task: { type: "string", placeholder: "id", description: "only the runs of this task" },
    limit: {
      type: "string",
      short: "n",
      placeholder: "count",
      description: "at most this many (default 50)",
    },
  },
  examples: ["mesh runs list --status waiting"],
  async run(input, io) {
    const status = stringOption(input, "status");
    if (status !== undefined && !(statuses as readonly string[]).includes(status)) {
      throw new UsageError(`--status must be one of ${statuses.join(", ")} (got '${status}')`);
    }
    const url = endpoint(input.url, "/runs", {
      status,
      function: stringOption(input, "function"),
      taskId: stringOption(input, "task"),
      limit: countOption(input, "limit", 50, 500),
    });
    const { runs } = await sendForJson(io, url, z.object({ runs: z.array(summary) }));
    if (runs.length === 0) {
      io.stdout("No runs.\n");
      return;
    }
    io.stdout(
      formatTable(
        ["ID", "FUNCTION", "STATUS", "STEPS", "HOPS", "TASK", "STARTED"],
        runs.map((run) => [
          run.id,
          run.function,
          run.status,
          String(run.steps),
          String(run.hops),
          run.taskId ?? "-",
          run.createdAt,
        ]),
      ),
    );
  },
};

const showCommand: Command = {
  name: "runs show",
  summary: "Show one run: its steps with timing, attempts and tokens, what it waits for, its output or error",
  options: { json: { type: "boolean", description: "print the run as JSON" } },
  positionals: [{ name: "id", description: "the run's id, from 'mesh runs list' or GET /tasks/:id" }],
  examples: ["mesh runs show 3f2c…"],
  async run(input, io) {
    const id = runId(input.positionals[0]!);
    const run = await sendForJson(io, endpoint(input.url, `/runs/${encodeURIComponent(id)}`), detail);
    if (booleanOption(input, "json")) {
      io.stdout(`${JSON.stringify(run, null, 2)}\n`);
      return;
    }
    const lines = [
      `Run ${run.id} of ${run.function}: ${run.status}${run.taskId ? ` (task ${run.taskId})` : ""}`,
      `Started ${run.createdAt}; ${run.steps.length} steps in ${run.hops} hops; ${run.usage.promptTokens} prompt + ${run.usage.completionTokens} completion tokens`,
      `Input: ${JSON.stringify(run.input)}`,
      "",
    ];
    if (run.steps.length > 0) {
      lines.push(
        formatTable(
          ["#", "STEP", "KIND", "STATUS", "ATTEMPTS", "MS", "TOKENS", "NOTE"],
          run.steps.map((entry) => [
            String(entry.position),
            entry.name,
            entry.kind,
            entry.status,
            String(entry.attempts),
            entry.durationMs === undefined ? "-" : String(entry.durationMs),
            entry.usage ? String(entry.usage.promptTokens + entry.usage.completionTokens) : "-",
            entry.error?.message ??
              (entry.waitsFor
                ? `waits for ${[entry.waitsFor.type, entry.waitsFor.key].filter(Boolean).join(" ")}${entry.waitsFor.until ? ` until ${entry.waitsFor.until}` : ""}`
                : ""),
          ]),
        ).trimEnd(),
      );
    }
    for (const approval of run.approvals) lines.push(`Approval ${approval.id}: ${approval.status}`);
    if (run.output !== undefined) lines.push(`Output: ${JSON.stringify(run.output)}`);
    if (run.error) lines.push(`Error: ${run.error.message}`);
    io.stdout(`${lines.join("\n")}\n`);
  },
};

const cancelCommand: Command = {
  name: "runs cancel",
  summary: "Cancel a running or waiting run; its task fails as cancelled",
  options: {},
  positionals: [{ name: "id", description: "the run's id" }],
  async run(input, io) {
    const id = runId(input.positionals[0]!);
    const url = endpoint(input.url, `/runs/${encodeURIComponent(id)}/cancel`);
    await sendForJson(io, url, z.object({ run: summary }), { method: "POST" });
    io.stdout(`Cancelling run ${id}: its next hop stops it.\n`);
  },
};

function runId(id: string): string {
  if (id.trim() === "" || id.length > 200) {
    throw new UsageError(`<id> must be a run id as 'mesh runs list' shows (got '${id}')`);
  }
  return id;
}

export const runCommands: readonly Command[] = [listCommand, showCommand, cancelCommand];
