import { migrate } from "@mesh-six/sql";
import { createPgliteDb } from "./pglite.ts";

/**
 * `node pglite-template-make.ts <folder>`: a new PGlite database in <folder>, every
 * migration applied, shut down cleanly. Run by pglite-template.ts in its own process.
 */
const folder = process.argv[2];
if (!folder) {
  process.stderr.write("usage: node pglite-template-make.ts <folder>\n");
  process.exit(2);
}
const db = await createPgliteDb({ dataDir: folder });
await migrate(db);
await db.close();
