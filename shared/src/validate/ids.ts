import { z } from "zod";
import { maxBigint } from "./limits.ts";

/**
 * A path or query parameter holding a Postgres `bigint` row id: a whole number from 1 to
 * 9223372036854775807 (a larger one can name no row, and Postgres would refuse to compare
 * it). `message` says what the id is for when it is not a whole number.
 */
export function bigintId(message: string) {
  return z
    .string()
    .regex(/^[1-9]\d*$/, message)
    .refine((value) => !/^\d+$/.test(value) || (value.length <= 19 && BigInt(value) <= maxBigint), {
      message: `is beyond the largest id there can be (${maxBigint})`,
    });
}
