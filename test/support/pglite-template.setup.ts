import { readFileSync } from "node:fs";
import { startNewDatabasesFrom } from "@mesh-six/shared/db/pglite";
import { inject } from "vitest";

// Every PGlite opened in this test file starts from the run's fresh data directory
// (pglite-template.global.ts) instead of running initdb.
startNewDatabasesFrom(new Blob([readFileSync(inject("pgliteTemplate"))]));
