import type { Context } from "hono";
import { z } from "zod";

/** A query or path parameter holding a whole number between `min` and `max`. */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().min(min).max(max));
}

/** `true` or `false`. */
export const booleanText = z.enum(["true", "false"]).transform((value) => value === "true");

export type Parsed<T> =
  | { readonly ok: true; readonly data: T }
  | { readonly ok: false; readonly response: Response };

/**
 * Validates the query string against `schema` (a strict object, so a misspelt parameter is
 * reported, not ignored; one given twice is refused, not half read). On failure: a 400
 * whose `error` names the parameter and what it accepts.
 */
export function parseQuery<Schema extends z.ZodType>(
  context: Context,
  schema: Schema,
): Parsed<z.output<Schema>> {
  for (const [parameter, values] of Object.entries(context.req.queries())) {
    if (values.length > 1) {
      const error = `query parameter '${parameter}' is given ${values.length} times; give it once`;
      return { ok: false, response: context.json({ error, parameter }, 400) };
    }
  }
  return parseParameters(context, schema, context.req.query(), "query parameter");
}

export function parseParameters<Schema extends z.ZodType>(
  context: Context,
  schema: Schema,
  input: Record<string, string>,
  what: string,
): Parsed<z.output<Schema>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  const issue = result.error.issues[0]!;
  const parameter = issue.code === "unrecognized_keys" ? issue.keys[0] : issue.path[0];
  const message =
    issue.code === "unrecognized_keys"
      ? `unknown ${what} '${String(parameter)}'; accepted: ${acceptedKeys(schema).join(", ")}`
      : `invalid ${what} '${String(parameter)}': ${issue.message}`;
  return { ok: false, response: context.json({ error: message, parameter: String(parameter) }, 400) };
}

function acceptedKeys(schema: z.ZodType): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}
