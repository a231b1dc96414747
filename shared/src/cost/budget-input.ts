import { z } from "zod";
import { modelTiers } from "../llm/port.ts";
import { budgetPeriods, budgetScopes, overBudgetPolicies } from "./budget.ts";

export const budgetNamePattern = /^[a-z0-9][a-z0-9._-]{0,62}$/;
export const budgetNameProblem =
  "a budget name is 1–63 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit";

const subject = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\s]+$/, "a user, session or agent id without spaces, or * for each one");

/** The body of `PUT /budgets/:name` (and what `mesh budgets set` sends). */
export const budgetInput = z
  .strictObject({
    scope: z.enum(budgetScopes),
    subject: subject.default("*"),
    period: z.enum(budgetPeriods),
    tokens: z.number().int().positive().max(1e15).optional().describe("the token limit per window"),
    usd: z.number().positive().max(1e9).optional().describe("the money limit per window, in USD"),
    onExceeded: z.enum(overBudgetPolicies).default("reject"),
    fallbackTier: z.enum(modelTiers).optional(),
    warnAt: z.number().gt(0).max(1).default(0.8),
  })
  .refine((input) => input.tokens !== undefined || input.usd !== undefined, {
    message: "give a limit: tokens, usd or both",
    path: ["tokens"],
  })
  .refine((input) => input.scope !== "global" || input.subject === "*", {
    message: "a global budget has no subject; leave it out (or give *)",
    path: ["subject"],
  })
  .refine((input) => input.onExceeded === "fallback" || input.fallbackTier === undefined, {
    message: 'fallbackTier applies only with onExceeded: "fallback"',
    path: ["fallbackTier"],
  })
  .refine((input) => input.fallbackTier !== "strong", {
    message: "a fallback goes to a cheaper tier: local or mid",
    path: ["fallbackTier"],
  });

export type BudgetInput = z.output<typeof budgetInput>;
