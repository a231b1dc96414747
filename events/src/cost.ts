import { z } from "zod";
import { defineEvent } from "./define.ts";

const money = z.number().nonnegative();
const totals = z.object({
  calls: z.number().int().nonnegative(),
  failedCalls: z.number().int().nonnegative(),
  promptTokens: z.number().nonnegative(),
  completionTokens: z.number().nonnegative(),
  tokens: z.number().nonnegative(),
  costUsd: money,
  unpricedCalls: z.number().int().nonnegative(),
  successfulTasks: z.number().int().nonnegative(),
  costPerSuccessfulTaskUsd: money.nullable(),
});
const spender = z.object({
  key: z.string().nullable(),
  costUsd: money,
  tokens: z.number(),
  calls: z.number(),
});

export const CostReported = defineEvent("dev.meshsix.cost.reported", {
  description:
    "The cost tracker's scheduled LLM spend report (a PingSource, daily by default): the totals, the top spending agents and users, the change against the trailing week, and the stored report's id.",
  terminal: true,
  schema: z.object({
    reportId: z.string(),
    from: z.string().describe("ISO-8601; the period's start"),
    to: z.string().describe("ISO-8601; the period's end, excluded"),
    summary: totals,
    unpricedModels: z.array(z.string()),
    topSpenders: z.object({ agents: z.array(spender), users: z.array(spender) }),
    trailingWeek: z.object({
      dailyAverageUsd: money,
      periodDailyAverageUsd: money,
      change: z.number().nullable(),
    }),
  }),
});

export const CostAlerted = defineEvent("dev.meshsix.cost.alerted", {
  description:
    "Spend that needs a look, sent once per window: an agent's or user's spend past its trailing baseline times the spike factor (spike), or a budget past its warning share (budget-warning).",
  terminal: true,
  schema: z.object({
    kind: z.enum(["spike", "budget-warning"]),
    /** The agent or user (spike), or the budget's user, session or agent, `*` for a global one. */
    scope: z.enum(["agent", "user", "session", "global"]),
    subject: z.string(),
    budget: z.string().optional(),
    message: z.string(),
    windowStart: z.string().describe("ISO-8601; the alert is sent once for this window"),
    spentUsd: money,
    baselineUsd: money.optional(),
    usedTokens: z.number().nonnegative().optional(),
    limitTokens: z.number().positive().optional(),
    limitUsd: money.optional(),
  }),
});
