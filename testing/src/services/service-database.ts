import { randomBytes } from "node:crypto";
import { createPostgresDb } from "@mesh-six/shared/db/postgres";

export interface ServiceDatabase {
  /** postgresql://… of a database of its own on the PostgreSQL server of `npm run test:services`. */
  readonly url: string;
  /** Drops it, ending whatever connections are left. */
  drop(): Promise<void>;
}

/**
 * A fresh database on the server at `serverUrl`, so a suite's tables and rows are its own
 * while other suites use the same server.
 */
export async function createServiceDatabase(serverUrl: string, prefix: string): Promise<ServiceDatabase> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = createPostgresDb({ url: serverUrl, max: 1 });
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      const again = createPostgresDb({ url: serverUrl, max: 1 });
      try {
        await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await again.close();
      }
    },
  };
}
