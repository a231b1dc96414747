/**
 * The error a call rejected with, when it is an instance of `kind` (a typed error such as
 * GitHubError); throws when the call resolved or rejected with anything else, naming what it got.
 */
export async function rejectionOf<E extends Error>(
  call: Promise<unknown>,
  kind: abstract new (...args: never[]) => E,
): Promise<E> {
  const outcome = await call.then(
    (value: unknown) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if ("error" in outcome && outcome.error instanceof kind) return outcome.error;
  throw new Error(
    "error" in outcome
      ? `expected a ${kind.name}, got ${String(outcome.error)}`
      : `expected a ${kind.name}, but the call answered ${JSON.stringify(outcome.value)}`,
  );
}
