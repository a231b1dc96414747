import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import type { Db } from "@mesh-six/shared/ports/db";
import { createTestDb, type RuntimeOptions } from "@mesh-six/shared/runtime/test-fixture";
import { type FunctionUnderTest, functionUnderTest } from "@mesh-six/shared/testing/function-under-test";
import { type Decision, decisionEvent } from "./decision.ts";

export interface TestFunctionSettings extends RuntimeOptions {
  /** A migrated in-memory PGlite of its own when omitted (closed by `close()`). */
  readonly db?: Db;
}

export interface TestFunction extends FunctionUnderTest {
  /** Decides an approval or answers a question of one of its runs (an approval.decided delivered to it). */
  decide(approvalId: string, decision: Decision): Promise<void>;
  /** Closes the database, when the harness opened it. */
  close(): Promise<void>;
}

/**
 * One function or agent against PGlite with a manual clock and a recording publisher:
 * `task(payload)` dispatches a task to it as the orchestrator would and runs every hop of
 * its run until it rests; `published` is what it emitted; `advance(ms)` lets timers fall
 * due. No broker, orchestrator or other function: for those, use `createTestMesh`.
 */
export async function testFunction(
  definition: FunctionDefinition,
  settings: TestFunctionSettings = {},
): Promise<TestFunction> {
  const { db: given, ...options } = settings;
  const db = given ?? (await createTestDb());
  const harness = functionUnderTest(db, definition, options);
  return {
    ...harness,
    async decide(approvalId, decision) {
      await harness.deliver(decisionEvent(approvalId, decision));
    },
    close: () => (given ? Promise.resolve() : db.close()),
  };
}
