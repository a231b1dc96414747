import { z } from "zod";

/** A series' labels, `__name__` included. */
export type Labels = Readonly<Record<string, string>>;

/** One sample: when (seconds since the epoch, as Prometheus gives it) and its value. */
export interface Sample {
  readonly time: number;
  /** `NaN`, `Infinity` and `-Infinity` where Prometheus says "NaN", "+Inf", "-Inf". */
  readonly value: number;
}

/** What a query evaluated to, by Prometheus's `data.resultType`. */
export type QueryResult =
  | { readonly resultType: "vector"; readonly result: readonly { metric: Labels; value: Sample }[] }
  | { readonly resultType: "matrix"; readonly result: readonly { metric: Labels; values: Sample[] }[] }
  | { readonly resultType: "scalar"; readonly result: Sample }
  | { readonly resultType: "string"; readonly result: { time: number; value: string } };

/** A successful answer: the result and the warnings Prometheus sent with it. */
export type QueryAnswer = QueryResult & { readonly warnings: readonly string[] };

const pair = z.tuple([z.number(), z.string()]);
const labels = z.record(z.string(), z.string());

/** Prometheus's envelope (`status`, `data`, `errorType`, `error`, `warnings`), as /api/v1 answers. */
export const envelope = z.object({
  status: z.enum(["success", "error"]),
  data: z.unknown().optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
  warnings: z.array(z.string()).optional(),
});

const data = z.discriminatedUnion("resultType", [
  z.object({ resultType: z.literal("vector"), result: z.array(z.object({ metric: labels, value: pair })) }),
  z.object({
    resultType: z.literal("matrix"),
    result: z.array(z.object({ metric: labels, values: z.array(pair) })),
  }),
  z.object({ resultType: z.literal("scalar"), result: pair }),
  z.object({ resultType: z.literal("string"), result: pair }),
]);

/** The query result in `data`, samples as numbers; undefined when `data` is not a query result. */
export function queryResult(value: unknown): QueryResult | undefined {
  const parsed = data.safeParse(value);
  if (!parsed.success) return undefined;
  const result = parsed.data;
  switch (result.resultType) {
    case "vector":
      return {
        resultType: "vector",
        result: result.result.map(({ metric, value }) => ({ metric, value: sample(value) })),
      };
    case "matrix":
      return {
        resultType: "matrix",
        result: result.result.map(({ metric, values }) => ({ metric, values: values.map(sample) })),
      };
    case "scalar":
      return { resultType: "scalar", result: sample(result.result) };
    case "string":
      return { resultType: "string", result: { time: result.result[0], value: result.result[1] } };
  }
}

function sample([time, value]: readonly [number, string]): Sample {
  if (value === "+Inf") return { time, value: Number.POSITIVE_INFINITY };
  if (value === "-Inf") return { time, value: Number.NEGATIVE_INFINITY };
  return { time, value: Number(value) };
}
