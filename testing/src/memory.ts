import { createManualClock } from "@mesh-six/shared/clock";
import { memoryConfig } from "@mesh-six/shared/config/memory";
import { readConfig } from "@mesh-six/shared/config/read";
import { createLlm } from "@mesh-six/shared/llm/create";
import { createMemory } from "@mesh-six/shared/memory/create";
import type { Db } from "@mesh-six/shared/ports/db";

/**
 * The ports a test gives `testFunction` for an agent with memory on `db`: a manual clock,
 * the Llm port and the memory service built from `env` as the host builds them
 * (`testFunction(agent, { db, env, ...withMemory(db, env) })`).
 */
export function withMemory(db: Db, env: Readonly<Record<string, string>> = {}) {
  const clock = createManualClock();
  const config = readConfig(memoryConfig, env);
  const llm = createLlm({ config, db, clock });
  const memory = createMemory({ db, config, llm, clock });
  return { clock, llm, memory };
}
