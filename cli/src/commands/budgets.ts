import { budgetInput, budgetNamePattern, budgetNameProblem } from "@mesh-six/shared/cost";
import { z } from "zod";
import { type Command, type CommandInput, stringOption, UsageError } from "../command.ts";
import { endpoint, send, sendForJson } from "../http.ts";
import { formatTable } from "../table.ts";

const budget = z.object({
  name: z.string(),
  scope: z.string(),
  subject: z.string(),
  period: z.string(),
  tokens: z.number().nullable(),
  usd: z.number().nullable(),
  onExceeded: z.string(),
  fallbackTier: z.string().nullable(),
  warnAt: z.number(),
  window: z.object({ start: z.string(), resetsAt: z.string().nullable() }),
  used: z.array(
    z.object({ subject: z.string(), tokens: z.number(), costUsd: z.number(), share: z.number() }),
  ),
});
type Budget = z.output<typeof budget>;

const limitOf = (entry: Budget) =>
  [
    entry.tokens === null ? undefined : `${entry.tokens} tokens`,
    entry.usd === null ? undefined : `$${entry.usd}`,
  ]
    .filter(Boolean)
    .join(" + ");

const listCommand: Command = {
  name: "budgets list",
  summary: "Budgets, their windows and what the most used subjects have spent",
  options: {},
  examples: ["mesh budgets list"],
  async run(input, io) {
    const { budgets } = await sendForJson(
      io,
      endpoint(input.url, "/budgets"),
      z.object({ budgets: z.array(budget) }),
    );
    if (budgets.length === 0) {
      io.stdout(
        "No budgets. Set one with: mesh budgets set <name> --scope user --period day --tokens 200000\n",
      );
      return;
    }
    io.stdout(
      formatTable(
        ["NAME", "FOR", "PER", "LIMIT", "OVER", "RESETS", "MOST USED"],
        budgets.map((entry) => {
          const top = entry.used[0];
          return [
            entry.name,
            entry.scope === "global" ? "all" : `${entry.scope} ${entry.subject}`,
            entry.period,
            limitOf(entry),
            entry.onExceeded === "fallback" ? `fallback ${entry.fallbackTier}` : "reject",
            entry.window.resetsAt ?? "never",
            top ? `${top.subject} ${Math.round(top.share * 100)}%` : "-",
          ];
        }),
      ),
    );
  },
};

const setCommand: Command = {
  name: "budgets set",
  summary: "Create or replace a budget (admin)",
  description:
    "A limit on LLM tokens and/or money, checked before every call. --subject '*' (the default) gives each user, session or agent its own; over it, reject (the task fails budget_exceeded) or fall back to a cheaper tier.",
  options: {
    scope: { type: "string", placeholder: "scope", description: "global, user, session or agent" },
    subject: {
      type: "string",
      placeholder: "id",
      description: "the user, session or agent; * for each one (default)",
    },
    period: { type: "string", placeholder: "period", description: "day, week, month or total" },
    tokens: { type: "string", placeholder: "count", description: "token limit per window" },
    usd: { type: "string", placeholder: "amount", description: "money limit per window, in USD" },
    "on-exceeded": { type: "string", placeholder: "policy", description: "reject (default) or fallback" },
    "fallback-tier": {
      type: "string",
      placeholder: "tier",
      description: "local (default) or mid, with --on-exceeded fallback",
    },
    "warn-at": {
      type: "string",
      placeholder: "share",
      description: "alert past this share of the limit (default 0.8)",
    },
  },
  positionals: [{ name: "name", description: "the budget's name, e.g. alice-daily" }],
  examples: [
    "mesh budgets set each-user-daily --scope user --period day --tokens 200000",
    "mesh budgets set writer-monthly --scope agent --subject writer --period month --usd 50 --on-exceeded fallback",
  ],
  async run(input, io) {
    const name = nameOf(input);
    const body = bodyOf(input);
    const saved = await sendForJson(io, endpoint(input.url, `/budgets/${name}`), budget, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    io.stdout(
      `Budget ${saved.name}: ${limitOf(saved)} per ${saved.period} for ${saved.scope === "global" ? "all calls" : `${saved.scope} ${saved.subject}`}; over it: ${saved.onExceeded === "fallback" ? `fall back to ${saved.fallbackTier}` : "reject"}.\n`,
    );
  },
};

const deleteCommand: Command = {
  name: "budgets delete",
  summary: "Delete a budget (admin)",
  options: {},
  positionals: [{ name: "name", description: "the budget's name" }],
  examples: ["mesh budgets delete alice-daily"],
  async run(input, io) {
    const name = nameOf(input);
    await send(io, endpoint(input.url, `/budgets/${name}`), { method: "DELETE" });
    io.stdout(`Deleted budget ${name}.\n`);
  },
};

function nameOf(input: CommandInput): string {
  const name = input.positionals[0] ?? "";
  if (!budgetNamePattern.test(name)) throw new UsageError(`<name>: ${budgetNameProblem} (got '${name}')`);
  return name;
}

const optionOf: Record<string, string> = {
  onExceeded: "on-exceeded",
  fallbackTier: "fallback-tier",
  warnAt: "warn-at",
};

/** The PUT body from the options, checked here as the mesh checks it. */
function bodyOf(input: CommandInput): unknown {
  const number = (option: string) => {
    const text = stringOption(input, option);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value))
      throw new UsageError(`--${option} must be a number (got '${text}')`);
    return value;
  };
  const body = Object.fromEntries(
    Object.entries({
      scope: stringOption(input, "scope"),
      subject: stringOption(input, "subject"),
      period: stringOption(input, "period"),
      tokens: number("tokens"),
      usd: number("usd"),
      onExceeded: stringOption(input, "on-exceeded"),
      fallbackTier: stringOption(input, "fallback-tier"),
      warnAt: number("warn-at"),
    }).filter(([, value]) => value !== undefined),
  );
  const checked = budgetInput.safeParse(body);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const field = String(issue.path[0] ?? "scope");
    throw new UsageError(`--${optionOf[field] ?? field}: ${issue.message}`);
  }
  return body;
}

export const budgetCommands: readonly Command[] = [listCommand, setCommand, deleteCommand];
