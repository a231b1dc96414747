/**
 * Waits for something other processes or servers do, checking every `everyMs`. Gives up
 * (naming what it waited for) after `attempts` checks, well past what the step needs, so
 * a stuck system fails with a reason instead of the suite's timeout.
 */
export async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  { everyMs = 25, attempts = 4_000 }: { everyMs?: number; attempts?: number } = {},
): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`gave up waiting: ${what}`);
}
