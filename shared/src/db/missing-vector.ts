import type { Migration } from "@mesh-six/sql";
import { ConfigError } from "../errors.ts";

// PostgreSQL 15 and older: "could not open extension control file ".../vector.control"";
// 16 and newer: "extension "vector" is not available".
const missingVector = /extension control file "[^"]*\/vector\.control"|extension "vector" is not available/;

/**
 * Turns the server's "no such extension" error for pgvector into one that says what to do.
 * Other errors pass through unchanged. `where` names the server without its password.
 */
export function explainMissingVector(where: string): (error: unknown) => unknown {
  return (error) => {
    if (!(error instanceof Error) || !missingVector.test(error.message)) return error;
    const explained = new ConfigError(
      "DATABASE_URL",
      `the PostgreSQL server at ${where} has no pgvector extension ("vector"), which mesh-six's migrations need (${error.message}). Install pgvector on the server (https://github.com/pgvector/pgvector#installation), or use Neon (DATABASE_DRIVER=neon) or PGlite (unset DATABASE_URL), which ship it.`,
    );
    explained.cause = error;
    return explained;
  };
}

/** host:port/database of a Postgres URL, for messages (never the password). */
export function serverOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return "DATABASE_URL";
  }
}

/** Does this migration create the pgvector extension? */
export function needsVector(migration: Migration): boolean {
  return /CREATE\s+EXTENSION\s+(IF\s+NOT\s+EXISTS\s+)?"?vector"?/i.test(migration.sql);
}

/**
 * The migrations a server without pgvector can apply: all but those creating the
 * extension (the memory tables). For tests on a plain PostgreSQL server of flows that
 * use no memory; a deployment installs pgvector instead.
 */
export function withoutVector(migrations: readonly Migration[]): Migration[] {
  return migrations.filter((migration) => !needsVector(migration));
}
