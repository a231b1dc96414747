import { randomUUID } from "node:crypto";
import { loadMigrations, type Migration, migrate } from "@mesh-six/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../ports/db.ts";
import { needsVector, withoutVector } from "./missing-vector.ts";
import { toVector } from "./vector.ts";

export interface DbContractTarget {
  /** Opens the adapter under test; the suite closes it at the end. */
  open(): Promise<Db>;
  /**
   * "many" when each pooled connection is its own server session (a real Postgres), so
   * one transaction's uncommitted rows can be looked for from outside it; "one" when
   * the server has a single session (PGlite, in-process or served over a socket).
   */
  readonly sessions: "many" | "one";
  /**
   * What the server offers beyond core Postgres. `vector`: the pgvector extension can be
   * created. Adapters without it run every other case, plus one proving that a migration
   * needing pgvector stops with the fix.
   */
  readonly features: { readonly vector: boolean };
}

/** mesh-six's migrations a server can apply: all with pgvector, else those that do not need it. */
function applicableMigrations(vector: boolean): Migration[] {
  const all = loadMigrations();
  return vector ? all : withoutVector(all);
}

/**
 * The behaviour every Db adapter must have. Registers one `describe` block; every case
 * works on tables of its own, so several adapters may share one server.
 */
export function describeDbContract(name: string, target: DbContractTarget): void {
  const covered = target.features.vector ? "core and pgvector" : "core, no pgvector on this server";
  describe(`Db contract (${covered}): ${name}`, () => {
    let db: Db;
    const table = (prefix: string) => `${prefix}_${randomUUID().replaceAll("-", "").slice(0, 12)}`;

    beforeAll(async () => {
      db = await target.open();
    });
    afterAll(async () => {
      await db?.close();
    });

    it("creates, reads, updates and deletes rows, counting what it changed", async () => {
      const notes = table("notes");
      await db.query(`CREATE TABLE ${notes} (id serial PRIMARY KEY, body text NOT NULL)`);
      const inserted = await db.query<{ id: number }>(
        `INSERT INTO ${notes} (body) VALUES ($1), ($2) RETURNING id`,
        ["first", "second"],
      );
      expect(inserted.rows.map((row) => row.id)).toEqual([1, 2]);
      expect(inserted.rowCount).toBe(2);
      const updated = await db.query(`UPDATE ${notes} SET body = body || '!' WHERE id > $1`, [0]);
      expect(updated.rowCount).toBe(2);
      const read = await db.query<{ body: string }>(`SELECT body FROM ${notes} ORDER BY id`);
      expect(read.rows).toEqual([{ body: "first!" }, { body: "second!" }]);
      expect(read.rowCount).toBe(2);
      const deleted = await db.query(`DELETE FROM ${notes} WHERE body = $1`, ["first!"]);
      expect(deleted.rowCount).toBe(1);
      expect((await db.query(`SELECT * FROM ${notes}`)).rows).toHaveLength(1);
    });

    it("sends parameters and returns values with the same types on every driver", async () => {
      const { rows } = await db.query(
        `SELECT $1::text AS text, $2::int AS int, $3::text AS nothing, $4::boolean AS flag,
                12345678901::bigint AS big, count(*) AS counted, 1.25::numeric AS exact,
                $5::timestamptz AS at, $6::text[] AS tags`,
        ['it\'s "quoted"', 42, null, true, new Date("2026-01-02T03:04:05.678Z"), ["a", "b,c"]],
      );
      expect(rows[0]).toEqual({
        text: 'it\'s "quoted"',
        int: 42,
        nothing: null,
        flag: true,
        big: 12_345_678_901,
        counted: 1,
        exact: "1.25",
        at: new Date("2026-01-02T03:04:05.678Z"),
        tags: ["a", "b,c"],
      });
    });

    it("stores and reads jsonb documents", async () => {
      const documents = table("documents");
      await db.query(`CREATE TABLE ${documents} (id int PRIMARY KEY, body jsonb NOT NULL)`);
      const body = { title: "ünïcode ✓", nested: { list: [1, "two", null], flag: false } };
      await db.query(`INSERT INTO ${documents} VALUES (1, $1)`, [JSON.stringify(body)]);
      const { rows } = await db.query<{ body: unknown; title: string }>(
        `SELECT body, body->>'title' AS title FROM ${documents} WHERE body @> $1::jsonb`,
        [JSON.stringify({ nested: { flag: false } })],
      );
      expect(rows).toEqual([{ body, title: "ünïcode ✓" }]);
    });

    it("commits a transaction's work when it resolves", async () => {
      const ledger = table("ledger");
      await db.exec(`CREATE TABLE ${ledger} (amount int NOT NULL)`);
      const total = await db.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${ledger} VALUES ($1), ($2)`, [5, 7]);
        const { rows } = await tx.query<{ total: number }>(`SELECT sum(amount)::int AS total FROM ${ledger}`);
        return rows[0]?.total;
      });
      expect(total).toBe(12);
      expect((await db.query(`SELECT * FROM ${ledger}`)).rowCount).toBe(2);
    });

    it("rolls a transaction back when it throws, scripts included, and stays usable", async () => {
      const ledger = table("ledger");
      await db.exec(`CREATE TABLE ${ledger} (amount int NOT NULL)`);
      const failure = db.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${ledger} VALUES (1)`);
        await tx.exec(`INSERT INTO ${ledger} VALUES (2); CREATE TABLE ${ledger}_extra (id int);`);
        throw new Error("changed my mind");
      });
      await expect(failure).rejects.toThrow("changed my mind");
      expect((await db.query(`SELECT * FROM ${ledger}`)).rowCount).toBe(0);
      const extra = await db.query("SELECT to_regclass($1) AS found", [`${ledger}_extra`]);
      expect(extra.rows[0]).toEqual({ found: null });
    });

    it("rolls back when a statement fails and reports Postgres's message", async () => {
      const unique = table("unique");
      await db.exec(`CREATE TABLE ${unique} (id int PRIMARY KEY)`);
      const failure = db.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${unique} VALUES (1)`);
        await tx.query(`INSERT INTO ${unique} VALUES (1)`);
      });
      await expect(failure).rejects.toThrow(/duplicate key/);
      await expect(db.query("SELEC 1")).rejects.toThrow(/syntax error/);
      expect((await db.query(`SELECT * FROM ${unique}`)).rowCount).toBe(0);
    });

    it("runs concurrent transactions each on one connection, losing no update", async () => {
      const counter = table("counter");
      await db.exec(`CREATE TABLE ${counter} (n int NOT NULL); INSERT INTO ${counter} VALUES (0);`);
      const sessions = await Promise.all(
        Array.from({ length: 6 }, () =>
          db.transaction(async (tx) => {
            const before = await tx.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
            await tx.query(`UPDATE ${counter} SET n = n + 1`);
            const after = await tx.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
            return [before.rows[0]?.pid, after.rows[0]?.pid];
          }),
        ),
      );
      for (const [before, after] of sessions) expect(after).toBe(before);
      expect((await db.query(`SELECT n FROM ${counter}`)).rows).toEqual([{ n: 6 }]);
    });

    if (target.sessions === "many") {
      it("hides a transaction's rows from other connections until it commits", async () => {
        const inbox = table("inbox");
        await db.exec(`CREATE TABLE ${inbox} (id int PRIMARY KEY)`);
        await db.transaction(async (tx) => {
          await tx.query(`INSERT INTO ${inbox} VALUES (1)`);
          expect((await tx.query(`SELECT * FROM ${inbox}`)).rowCount).toBe(1);
          expect((await db.query(`SELECT * FROM ${inbox}`)).rowCount).toBe(0);
        });
        expect((await db.query(`SELECT * FROM ${inbox}`)).rowCount).toBe(1);
      });
    }

    if (target.features.vector) {
      it("round-trips pgvector values and orders by distance with <->", async () => {
        const items = table("items");
        await db.query("CREATE EXTENSION IF NOT EXISTS vector");
        await db.query(`CREATE TABLE ${items} (name text PRIMARY KEY, embedding vector(3) NOT NULL)`);
        const points: Record<string, number[]> = { near: [1, 1, 1.5], middle: [3, 3, 3], far: [-9, 8, 0.25] };
        for (const [name, embedding] of Object.entries(points)) {
          await db.query(`INSERT INTO ${items} VALUES ($1, $2)`, [name, toVector(embedding)]);
        }
        const { rows } = await db.query<{ name: string; embedding: number[] }>(
          `SELECT name, embedding FROM ${items} ORDER BY embedding <-> $1::vector LIMIT 3`,
          [toVector([1, 1, 1])],
        );
        expect(rows.map((row) => row.name)).toEqual(["near", "middle", "far"]);
        expect(rows[2]?.embedding).toEqual([-9, 8, 0.25]);
        const inTransaction = await db.transaction((tx) =>
          tx.query<{ embedding: number[] }>(`SELECT embedding FROM ${items} WHERE name = 'near'`),
        );
        expect(inTransaction.rows[0]?.embedding).toEqual([1, 1, 1.5]);
      });
    } else {
      it("stops a migration that needs pgvector with the fix: install it, or use Neon or PGlite", async () => {
        const base = 100_000 + Math.floor(Math.random() * 800_000);
        const migration = { version: base, name: "vectors", sql: "CREATE EXTENSION IF NOT EXISTS vector;" };
        expect(needsVector(migration)).toBe(true);
        const error = await migrate(db, [migration]).catch((caught: unknown) => caught);
        expect((error as Error).message).toMatch(
          new RegExp(
            `^migration ${base}_vectors failed: DATABASE_URL: the PostgreSQL server at \\S+ has no pgvector extension`,
          ),
        );
        expect((error as Error).message).toContain(
          "Install pgvector on the server (https://github.com/pgvector/pgvector#installation), or use Neon (DATABASE_DRIVER=neon) or PGlite (unset DATABASE_URL)",
        );
        const { rows } = await db.query(
          "SELECT count(*) AS installed FROM pg_extension WHERE extname = 'vector'",
        );
        expect(rows).toEqual([{ installed: 0 }]);
      });
    }

    it("runs scripts of several statements", async () => {
      const first = table("first");
      await db.exec(`
        CREATE TABLE ${first} (id int);
        INSERT INTO ${first} VALUES (1), (2);
        -- a comment; with a semicolon
        UPDATE ${first} SET id = id * 10;
      `);
      expect((await db.query(`SELECT id FROM ${first} ORDER BY id`)).rows).toEqual([{ id: 10 }, { id: 20 }]);
    });

    const migrations = applicableMigrations(target.features.vector);
    const which =
      migrations.length === loadMigrations().length ? "all" : `the ${migrations.length} before pgvector's`;
    it(`applies mesh-six's migrations (${which}) once when run twice`, async () => {
      await migrate(db, migrations);
      expect(await migrate(db, migrations)).toEqual([]);
      const { rows } = await db.query<{ version: number }>(
        "SELECT version FROM schema_migrations ORDER BY 1",
      );
      expect(rows.length).toBeGreaterThan(0);
      expect((await db.query("SELECT to_regclass('outbox') IS NOT NULL AS found")).rows).toEqual([
        { found: true },
      ]);
    });

    it("applies each migration exactly once when runners race", async () => {
      const marks = table("marks");
      const base = 100_000 + Math.floor(Math.random() * 800_000);
      const migrations: Migration[] = [
        { version: base, name: "marks", sql: `CREATE TABLE ${marks} (runner text);` },
        { version: base + 1, name: "mark", sql: `INSERT INTO ${marks} VALUES ('applied');` },
      ];
      const runs = await Promise.all(Array.from({ length: 4 }, () => migrate(db, migrations)));
      expect(runs.flat().sort()).toEqual([base, base + 1]);
      expect((await db.query(`SELECT * FROM ${marks}`)).rowCount).toBe(1);
    });

    it("names a failing migration and applies none of that run", async () => {
      const half = table("half");
      const base = 100_000 + Math.floor(Math.random() * 800_000);
      const migrations: Migration[] = [
        { version: base, name: "half", sql: `CREATE TABLE ${half} (id int);` },
        { version: base + 1, name: "broken", sql: "CREATE TABLE (" },
      ];
      await expect(migrate(db, migrations)).rejects.toThrow(`migration ${base + 1}_broken failed`);
      expect((await db.query("SELECT to_regclass($1) AS found", [half])).rows).toEqual([{ found: null }]);
    });
  });
}
