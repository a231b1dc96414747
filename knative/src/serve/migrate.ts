import { loadConfig } from "@mesh-six/shared/config/env";
import { connectDb } from "@mesh-six/shared/db/connect";
import { ConfigError, errorMessage } from "@mesh-six/shared/errors";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { createLogger } from "@mesh-six/shared/log/logger";
import { registerAgents } from "@mesh-six/shared/registry/agents";
import { type Migration, migrate } from "@mesh-six/sql";

/** What the Job registers of each agent: the fields of its definition the registry keeps (plain data). */
export type AgentRegistration = Pick<
  FunctionDefinition,
  "name" | "description" | "capabilities" | "dependencyChecks"
>;

/**
 * The migration Job: applies the migrations not yet applied (safe to run twice, and while
 * functions run) and writes the fleet's capabilities to the agents registry, then exits
 * 0; any failure exits non-zero so the Job retries and `kubectl wait` reports it.
 */
export async function runMigrationJob(
  migrations: readonly Migration[],
  agents: readonly AgentRegistration[],
): Promise<void> {
  const logger = createLogger({ fields: { job: "migrate" } });
  try {
    const config = loadConfig();
    if (!config.DATABASE_URL) {
      throw new ConfigError(
        "DATABASE_URL",
        "is not set: the Job migrates the database the functions use; set it from the Secret mesh-six-database.",
      );
    }
    const db = await connectDb(config);
    try {
      const applied = await migrate(db, migrations);
      const registered = await registerAgents(db, agents, { now: Date.now() });
      logger.info(
        applied.length > 0 ? `applied migrations ${applied.join(", ")}` : "the database is up to date",
        { applied, registered },
      );
    } finally {
      await db.close();
    }
    process.exit(0);
  } catch (error) {
    process.stderr.write(`migrate: ${errorMessage(error)}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
}
