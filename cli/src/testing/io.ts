import { systemClock } from "@mesh-six/shared/clock";
import type { Clock } from "@mesh-six/shared/ports/clock";
import type { Io } from "../command.ts";

export interface TestIo extends Io {
  readonly stdoutText: () => string;
  readonly stderrText: () => string;
  /** Resolves once stdout holds at least `count` lines. */
  untilLines(count: number): Promise<void>;
}

/** Captures what a command writes; env is empty unless given. */
export function createTestIo(
  settings: { clock?: Clock; signal?: AbortSignal; env?: Io["env"] } = {},
): TestIo {
  let stdout = "";
  let stderr = "";
  const waiters: { count: number; resolve: () => void }[] = [];
  const lineCount = () => stdout.split("\n").length - 1;
  const wake = () => {
    for (const waiter of [...waiters]) {
      if (lineCount() >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  return {
    stdout: (text) => {
      stdout += text;
      wake();
    },
    stderr: (text) => {
      stderr += text;
    },
    env: settings.env ?? {},
    fetch: globalThis.fetch,
    clock: settings.clock ?? systemClock,
    signal: settings.signal ?? new AbortController().signal,
    stdoutText: () => stdout,
    stderrText: () => stderr,
    untilLines: (count) =>
      new Promise<void>((resolve) => {
        waiters.push({ count, resolve });
        wake();
      }),
  };
}
