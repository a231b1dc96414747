/**
 * Errors that the same statement with the same values meets every time: SQLSTATE class 22
 * (data exception: text Postgres cannot hold, a number or date out of range), class 54
 * (program limit exceeded: an index entry over 2,704 bytes), and the not-null and check
 * violations (23502, 23514). A unique violation can be a race that a retry resolves, and
 * connection, lock, resource and shutdown errors (08, 40, 53, 55, 57, 58, XX) pass.
 */
const permanentClasses = new Set(["22", "54"]);
const permanentCodes = new Set(["23502", "23514"]);

/** True when a Db adapter's error (or one it caused) will recur on every attempt: retrying cannot help. */
export function isPermanentDbError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
      return permanentClasses.has(code.slice(0, 2)) || permanentCodes.has(code);
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
