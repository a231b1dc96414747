import { readFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import type { Db } from "../ports/db.ts";
import { createPgliteDb } from "./pglite.ts";
import { createStatementCache } from "./pglite-statements.ts";

describe("PGlite prepared statements", () => {
  let db: Db;
  beforeEach(async () => {
    db = await createPgliteDb();
    await db.exec("CREATE TABLE notes (id int PRIMARY KEY, body text)");
  });
  afterEach(() => db.close());

  it("prepares a statement again when a schema change altered its result columns", async () => {
    await db.query("INSERT INTO notes VALUES ($1, $2)", [1, "first"]);
    const select = "SELECT * FROM notes WHERE id = $1";
    expect((await db.query(select, [1])).rows).toEqual([{ id: 1, body: "first" }]);
    // a statement without parameters is not prepared and leaves the cache as it is
    await db.query("ALTER TABLE notes ADD COLUMN tag text DEFAULT 'x'");
    expect((await db.query(select, [1])).rows).toEqual([{ id: 1, body: "first", tag: "x" }]);
  });

  it("sees a script's schema change inside a transaction", async () => {
    const select = "SELECT * FROM notes WHERE id = $1";
    await db.query("INSERT INTO notes VALUES ($1, $2)", [1, "first"]);
    expect((await db.query(select, [1])).rows).toHaveLength(1);
    const rows = await db.transaction(async (tx) => {
      await tx.exec("ALTER TABLE notes ADD COLUMN tag text DEFAULT 'y'");
      return (await tx.query(select, [1])).rows;
    });
    expect(rows).toEqual([{ id: 1, body: "first", tag: "y" }]);
  });

  it("rolls a failed transaction back and runs the next statement", async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO notes VALUES ($1, $2)", [1, "kept?"]);
        await tx.query("INSERT INTO notes VALUES ($1, $2)", [1, "duplicate"]);
      }),
    ).rejects.toMatchObject({ code: "23505" });
    expect((await db.query("SELECT count(*)::int AS count FROM notes WHERE id > $1", [0])).rows).toEqual([
      { count: 0 },
    ]);
  });

  it("runs statements one at a time while a transaction holds the connection", async () => {
    const { promise: reached, resolve: reach } = Promise.withResolvers<void>();
    const { promise: gate, resolve: open } = Promise.withResolvers<void>();
    const transaction = db.transaction(async (tx) => {
      await tx.query("INSERT INTO notes VALUES ($1, $2)", [1, "in"]);
      reach();
      await gate;
      await tx.query("INSERT INTO notes VALUES ($1, $2)", [2, "in"]);
    });
    await reached;
    const outside = db.query("SELECT count(*)::int AS count FROM notes WHERE id > $1", [0]);
    open();
    await transaction;
    // the outside read waited for the commit: it saw both rows, never half the transaction
    expect((await outside).rows).toEqual([{ count: 2 }]);
  });
});

describe("the statement cache", () => {
  let pglite: PGlite;
  beforeEach(async () => {
    // the run's fresh data directory (test/support/pglite-template.global.ts): no initdb
    pglite = await PGlite.create({ loadDataDir: new Blob([readFileSync(inject("pgliteTemplate"))]) });
  });
  afterEach(() => pglite.close());

  it("keeps at most its size, closing the least recently used in Postgres", async () => {
    const cache = createStatementCache(pglite, 2);
    const texts = ["SELECT $1::int AS n", "SELECT $1::int + 1 AS n", "SELECT $1::int + 2 AS n"];
    for (const [index, text] of texts.entries()) {
      expect((await cache.query(text, [10], false)).rows).toEqual([{ n: 10 + index }]);
    }
    // the third prepare dropped the first; preparing it again closes the dropped one
    // in Postgres and drops the least recently used (the second), closed with the next
    expect((await cache.query(texts[0]!, [1], false)).rows).toEqual([{ n: 1 }]);
    const { rows } = await pglite.query<{ name: string }>(
      "SELECT name FROM pg_prepared_statements ORDER BY name",
    );
    expect(rows.map((row) => row.name)).toEqual(["mesh_statement_2", "mesh_statement_3", "mesh_statement_4"]);
  });
});
