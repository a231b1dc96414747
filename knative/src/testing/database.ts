import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { freePort } from "./processes.ts";

export interface WireDatabase {
  /** `postgresql://…` for DATABASE_URL: the bundles use the pg driver, as they do against Postgres in a cluster. */
  readonly url: string;
  /** The database itself, for the test's own queries. */
  readonly pglite: PGlite;
  stop(): Promise<void>;
}

/**
 * An in-memory PGlite (real Postgres) served over the Postgres wire protocol, so a bundle
 * gets its database through DATABASE_URL exactly as in a cluster, with no server to
 * install. Bundles leave PGlite out; this one lives in the test process.
 */
export async function startWireDatabase(): Promise<WireDatabase> {
  const pglite = await PGlite.create({ extensions: { vector } });
  const port = await freePort();
  const server = new PGLiteSocketServer({ db: pglite, port, host: "127.0.0.1", maxConnections: 32 });
  await server.start();
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    pglite,
    async stop() {
      await server.stop();
      await pglite.close();
    },
  };
}
