import { z } from "zod";
import { timestampProblem } from "../validate/timestamp.ts";
import { windowOf } from "./budget.ts";

export const namedPeriods = ["today", "yesterday", "week", "month"] as const;
export type NamedPeriod = (typeof namedPeriods)[number];

const dayMs = 86_400_000;
const maxSpanDays = 366;

/** A date (2026-03-04, the start of that UTC day) or an RFC 3339 timestamp, that exists. */
const instant = z.string().superRefine((text, context) => {
  const problem = timestampProblem(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (problem) context.addIssue({ code: "custom", message: problem });
});

/**
 * A report's period: `today` (since 00:00 UTC), `yesterday` (the UTC day before), `week`
 * (since Monday 00:00 UTC), `month` (since the 1st), or `{from, to}` (dates or RFC 3339
 * timestamps, `to` excluded; a date `to` ends at that day's start).
 */
const named = z.enum(namedPeriods, {
  error: 'a period is "today", "yesterday", "week", "month" or {"from": "2026-03-01", "to": "2026-03-08"}',
});
const range = z
  .strictObject({ from: instant, to: instant })
  .refine((value) => toMs(value.from) < toMs(value.to), { message: "from must be before to", path: ["to"] })
  .refine((value) => toMs(value.to) - toMs(value.from) <= maxSpanDays * dayMs, {
    message: `a period spans at most ${maxSpanDays} days`,
    path: ["to"],
  });

/** A named period or a range; the problems of the one the value looks like (not a union's "no match"). */
export const periodInput = z
  .unknown()
  .superRefine((value, context) => {
    const result = (typeof value === "object" && value !== null ? range : named).safeParse(value);
    for (const issue of result.error?.issues ?? []) {
      context.addIssue({ code: "custom", message: issue.message, path: issue.path });
    }
  })
  .transform((value) => value as NamedPeriod | { from: string; to: string });
export type PeriodInput = z.output<typeof periodInput>;

export interface Period {
  /** Milliseconds since the epoch; `to` excluded. */
  readonly from: number;
  readonly to: number;
}

export function resolvePeriod(period: PeriodInput, now: number): Period {
  if (typeof period !== "string") return { from: toMs(period.from), to: toMs(period.to) };
  switch (period) {
    case "today":
      return { from: windowOf("day", now).start, to: now };
    case "yesterday": {
      const today = windowOf("day", now).start;
      return { from: today - dayMs, to: today };
    }
    case "week":
      return { from: windowOf("week", now).start, to: now };
    case "month":
      return { from: windowOf("month", now).start, to: now };
  }
}

function toMs(text: string): number {
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
}
