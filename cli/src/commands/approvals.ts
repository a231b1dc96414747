import { z } from "zod";
import { type Command, countOption, stringOption, UsageError } from "../command.ts";
import { endpoint, sendForJson } from "../http.ts";
import { formatTable } from "../table.ts";

const approval = z.looseObject({
  id: z.string(),
  kind: z.string(),
  status: z.string(),
  function: z.string(),
  taskId: z.string().optional(),
  context: z.looseObject({ action: z.string().optional(), question: z.string().optional() }),
  deadline: z.string().optional(),
  defaultDecision: z.string().optional(),
  decidedBy: z.string().optional(),
});

const listCommand: Command = {
  name: "approvals list",
  summary: "List what waits for a person's decision (pending, unless --status says otherwise)",
  options: {
    status: {
      type: "string",
      placeholder: "status",
      description: "pending (default), approved, rejected, answered, expired, cancelled or all",
    },
    limit: {
      type: "string",
      short: "n",
      placeholder: "count",
      description: "at most this many (default 50)",
    },
  },
  async run(input, io) {
    const status = stringOption(input, "status") ?? "pending";
    const url = endpoint(input.url, "/approvals", {
      ...(status === "all" ? {} : { status }),
      limit: countOption(input, "limit", 50, 500),
    });
    const { approvals } = await sendForJson(io, url, z.object({ approvals: z.array(approval) }));
    if (approvals.length === 0) {
      io.stdout(status === "pending" ? "Nothing waits for a decision.\n" : "No approvals.\n");
      return;
    }
    io.stdout(
      formatTable(
        ["ID", "KIND", "STATUS", "FUNCTION", "DEADLINE", "DEFAULT", "ASKS"],
        approvals.map((entry) => [
          entry.id,
          entry.kind,
          entry.status,
          entry.function,
          entry.deadline ?? "-",
          entry.defaultDecision ?? "-",
          entry.context.action ?? entry.context.question ?? "",
        ]),
      ),
    );
  },
};

function decideCommand(decision: "approved" | "rejected", verb: string): Command {
  return {
    name: `approvals ${verb}`,
    summary: `${verb === "approve" ? "Approve" : "Reject"} a pending approval; the run waiting for it resumes`,
    options: {
      reason: { type: "string", short: "r", placeholder: "text", description: "why (kept for the audit)" },
    },
    positionals: [{ name: "id", description: "the approval's id, from 'mesh approvals list'" }],
    examples: [`mesh approvals ${verb} <id> --reason "checked the plan"`],
    async run(input, io) {
      const id = approvalId(input.positionals[0]!);
      const reason = stringOption(input, "reason");
      const url = endpoint(input.url, `/approvals/${encodeURIComponent(id)}/decision`);
      const body = { decision, ...(reason === undefined ? {} : { reason }) };
      await sendForJson(io, url, z.object({ approval }), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      io.stdout(`Approval ${id} ${decision}.\n`);
    },
  };
}

const answerCommand: Command = {
  name: "approvals answer",
  summary: "Answer a question a run asked (a human-input task); the run resumes with the answer",
  options: {
    reason: { type: "string", short: "r", placeholder: "text", description: "a note kept with the answer" },
  },
  positionals: [
    { name: "id", description: "the request's id, from 'mesh approvals list'" },
    { name: "answer", description: "the answer" },
  ],
  async run(input, io) {
    const id = approvalId(input.positionals[0]!);
    const answer = input.positionals[1]!;
    if (answer.trim() === "") throw new UsageError("<answer> must not be empty");
    const reason = stringOption(input, "reason");
    await sendForJson(
      io,
      endpoint(input.url, `/approvals/${encodeURIComponent(id)}/decision`),
      z.object({ approval }),
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ answer, ...(reason === undefined ? {} : { reason }) }),
      },
    );
    io.stdout(`Answered ${id}.\n`);
  },
};

function approvalId(id: string): string {
  if (id.trim() === "" || id.length > 200) {
    throw new UsageError(`<id> must be an approval id as 'mesh approvals list' shows (got '${id}')`);
  }
  return id;
}

export const approvalCommands: readonly Command[] = [
  listCommand,
  decideCommand("approved", "approve"),
  decideCommand("rejected", "reject"),
  answerCommand,
];
