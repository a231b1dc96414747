import { ConfigError, errorMessage } from "../errors.ts";
import type { Db } from "../ports/db.ts";
import { createDb, type DbConfig } from "./create.ts";

/**
 * Creates the configured Db and proves it works with `SELECT 1`, so a wrong
 * DATABASE_URL stops start-up with one sentence naming the setting and the fix.
 */
export async function connectDb(config: DbConfig): Promise<Db> {
  const db = await createDb(config);
  try {
    await db.query("SELECT 1");
    return db;
  } catch (error) {
    await db.close().catch(() => {});
    throw new ConfigError("DATABASE_URL", explain(error, config.DATABASE_URL));
  }
}

function explain(error: unknown, url: string | undefined): string {
  const where = url ? describe(url) : "the PGlite data directory in MESH_DATA_DIR";
  const code = codeOf(error);
  const reason = errorMessage(error) || code || "unknown error";
  if (code === "28P01" || code === "28000" || /password authentication failed/i.test(reason)) {
    return `${where} refused the user name or password (${reason}). Fix the credentials in DATABASE_URL.`;
  }
  if (code === "3D000") {
    return `${where}: ${reason}. Create the database or fix its name at the end of DATABASE_URL.`;
  }
  if (code && ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH"].includes(code)) {
    return `cannot reach ${where} (${code}). Start the server, or fix the host and port in DATABASE_URL.`;
  }
  if (/timeout|ECONNREFUSED|ENOTFOUND|connect/i.test(reason)) {
    return `cannot reach ${where} (${reason}). Start the server, or fix the host and port in DATABASE_URL.`;
  }
  return `cannot use ${where} (${reason}). Check DATABASE_URL and DATABASE_DRIVER.`;
}

/** The URL without its password, for messages. */
function describe(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    return `the database at ${parsed.host}${parsed.pathname} (user ${JSON.stringify(decodeURIComponent(parsed.username))})`;
  } catch {
    return "the database in DATABASE_URL";
  }
}

function codeOf(error: unknown): string | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    if (current instanceof AggregateError) {
      const inner = current.errors.map(codeOf).find(Boolean);
      if (inner) return inner;
    }
  }
  return undefined;
}
