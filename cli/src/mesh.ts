import { systemClock } from "@mesh-six/shared/clock";
import type { Command, Io } from "./command.ts";
import { agentCommands } from "./commands/agents.ts";
import { approvalCommands } from "./commands/approvals.ts";
import { budgetCommands } from "./commands/budgets.ts";
import { costCommands } from "./commands/cost.ts";
import { deadLetterCommands } from "./commands/dead-letters.ts";
import { eventCommands } from "./commands/events.ts";
import { memoryCommands } from "./commands/memory.ts";
import { runCommands } from "./commands/runs.ts";
import { sendCommands } from "./commands/send.ts";
import { taskCommands } from "./commands/task.ts";
import { runMesh } from "./run.ts";

/**
 * Every `mesh` command. To add some: write commands/<group>.ts exporting a `Command[]`
 * (see command.ts) and list it here.
 */
export const commands: readonly Command[] = [
  ...sendCommands,
  ...eventCommands,
  ...deadLetterCommands,
  ...taskCommands,
  ...agentCommands,
  ...memoryCommands,
  ...costCommands,
  ...budgetCommands,
  ...runCommands,
  ...approvalCommands,
];

/** The process's own streams, environment and clock; Ctrl-C aborts `signal`. */
export function processIo(signal: AbortSignal): Io {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    fetch: globalThis.fetch,
    clock: systemClock,
    signal,
  };
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const interrupt = new AbortController();
  process.once("SIGINT", () => interrupt.abort());
  process.exitCode = await runMesh(argv, commands, processIo(interrupt.signal));
}

if (import.meta.main) await main();
