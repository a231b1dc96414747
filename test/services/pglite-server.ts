import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { freePort } from "./process.ts";
import type { ServiceModule } from "./service.ts";

/**
 * PGlite (with pgvector) served over the Postgres wire protocol by
 * `@electric-sql/pglite-socket`. One backend session behind many connections: the
 * server runs one connection's transaction at a time. Exports MESH_TEST_PGLITE_URL.
 */
export const pgliteServerService: ServiceModule = {
  name: "pglite-socket",
  packages: [],
  installed: async () => true,
  async start({ workDir, log }) {
    const db = await PGlite.create({ dataDir: workDir, extensions: { vector } });
    const port = await freePort();
    const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 64 });
    await server.start();
    log(`PGlite over the wire on 127.0.0.1:${port}`);
    return {
      env: { MESH_TEST_PGLITE_URL: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres` },
      async stop() {
        await server.stop();
        await db.close();
      },
    };
  },
};
