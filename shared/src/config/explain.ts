import type { z } from "zod";

/**
 * One configuration problem in words a person can act on: what the variable must be,
 * what it got (never the value of a secret), and what the variable is for.
 */
export function explainIssue(
  issue: z.core.$ZodIssue,
  value: string | { readonly secret: true } | undefined,
  purpose: string | undefined,
): string {
  const inside = issue.path.length > 1 ? ` at ${issue.path.slice(1).join(".")}` : "";
  const got =
    value === undefined
      ? "it is not set"
      : typeof value === "string"
        ? `got ${JSON.stringify(value)}`
        : "its value is not shown, as it is a secret";
  const what = purpose ? ` — ${purpose}` : "";
  return `${rule(issue)}${inside}; ${got}${what}`;
}

function rule(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "number" ? "must be a number" : `must be a ${issue.expected}`;
    case "too_small":
      return issue.origin === "string"
        ? `must have at least ${issue.minimum} characters`
        : `must be at least ${issue.minimum}`;
    case "too_big":
      return issue.origin === "string"
        ? `must have at most ${issue.maximum} characters`
        : `must be at most ${issue.maximum}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((value) => String(value)).join(", ")}`;
    case "invalid_format":
      if (issue.format === "regex") return issue.message;
      return issue.format === "url"
        ? "must be a URL, e.g. http://localhost:11434/v1"
        : `must be a valid ${issue.format}`;
    default:
      return issue.message;
  }
}
