import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadMigrations } from "@mesh-six/sql";
import { afterAll, describe, expect, it } from "vitest";
import { createPgliteDb } from "./pglite.ts";
import { pgliteTemplate, startFromTemplate, templateName } from "./pglite-template.ts";

describe("new PGlite data directories start from a migrated template", () => {
  const folder = mkdtempSync(join(tmpdir(), "mesh-six-template-test-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("names the template after PGlite, pgvector and the migrations, so a new migration makes a new one", () => {
    const migrations = loadMigrations();
    expect(templateName(migrations)).toMatch(/^pglite-[\d.]+-pgvector-[\d.]+-migrations-[0-9a-f]{12}$/);
    const changed = [
      ...migrations.slice(0, -1),
      { ...migrations.at(-1)!, sql: `${migrations.at(-1)!.sql}\n-- changed` },
    ];
    expect(templateName(changed)).not.toBe(templateName(migrations));
    expect(templateName(migrations.slice(0, -1))).not.toBe(templateName(migrations));
  });

  it("copies it into a new data directory: a database with every migration applied, shut down cleanly", async () => {
    const dataDir = join(folder, "fresh", "pglite");
    expect(await startFromTemplate(dataDir)).toBe(true);
    const db = await createPgliteDb({ dataDir });
    try {
      const { rows } = await db.query<{ version: number }>(
        "SELECT version FROM schema_migrations ORDER BY version",
      );
      expect(rows.map((row) => Number(row.version))).toEqual(
        loadMigrations().map((migration) => migration.version),
      );
    } finally {
      await db.close();
    }
  });

  it("leaves a data directory that holds a database alone, and the template untouched by what it stores", async () => {
    const dataDir = join(folder, "kept", "pglite");
    await startFromTemplate(dataDir);
    const db = await createPgliteDb({ dataDir });
    await db.exec("CREATE TABLE kept (value text); INSERT INTO kept VALUES ('mine')");
    await db.close();
    expect(await startFromTemplate(dataDir)).toBe(false);
    const reopened = await createPgliteDb({ dataDir });
    expect((await reopened.query<{ value: string }>("SELECT value FROM kept")).rows).toEqual([
      { value: "mine" },
    ]);
    await reopened.close();

    const template = await pgliteTemplate();
    const other = join(folder, "other", "pglite");
    await startFromTemplate(other);
    const fresh = await createPgliteDb({ dataDir: other });
    expect((await fresh.query("SELECT to_regclass('kept') AS kept")).rows).toEqual([{ kept: null }]);
    await fresh.close();
    expect(existsSync(join(template, "PG_VERSION"))).toBe(true);
  });
});
