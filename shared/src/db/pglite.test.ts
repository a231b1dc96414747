import { describeDbContract } from "./contract.ts";
import { createPgliteDb } from "./pglite.ts";

describeDbContract("PGlite in-process", {
  open: () => createPgliteDb(),
  sessions: "one",
  features: { vector: true },
});
