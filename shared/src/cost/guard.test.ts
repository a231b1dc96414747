import { migrate } from "@mesh-six/sql";
import { createManualClock } from "../clock.ts";
import { createPgliteDb } from "../db/pglite.ts";
import { createMemoryKv } from "../kv/memory.ts";
import { describeBudgetContract } from "./contract.ts";

const openDb = async () => {
  const db = await createPgliteDb();
  await migrate(db);
  return db;
};

describeBudgetContract("Postgres store on PGlite", { openDb });
describeBudgetContract("in-process Kv store", {
  openDb,
  openKv: async () => createMemoryKv({ clock: createManualClock(Date.parse("2026-03-04T10:00:00Z")) }),
});
